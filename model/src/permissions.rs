//! Per-tenant permissions: resource kinds × actions (DESIGN §1). Tenant roles and, later,
//! technician assignments store a [`PermissionSet`]; the server enforces it.

use serde::{Deserialize, Serialize};

/// The kinds of tenant resource a permission can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Automs,
    Alerts,
    Dashboards,
    Agents,
    Vault,
    Users,
}

impl ResourceKind {
    /// Every kind, in the order the permission matrix shows them.
    pub const ALL: [Self; 6] = [
        Self::Automs,
        Self::Alerts,
        Self::Dashboards,
        Self::Agents,
        Self::Vault,
        Self::Users,
    ];

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Automs => "Automs",
            Self::Alerts => "Alerts",
            Self::Dashboards => "Dashboards",
            Self::Agents => "AI Agents",
            Self::Vault => "Vault",
            Self::Users => "Users",
        }
    }

    fn index(self) -> u32 {
        match self {
            Self::Automs => 0,
            Self::Alerts => 1,
            Self::Dashboards => 2,
            Self::Agents => 3,
            Self::Vault => 4,
            Self::Users => 5,
        }
    }
}

/// What can be done to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    View,
    Create,
    Update,
    Delete,
}

impl Action {
    /// Every action, in matrix order.
    pub const ALL: [Self; 4] = [Self::View, Self::Create, Self::Update, Self::Delete];

    fn index(self) -> u32 {
        match self {
            Self::View => 0,
            Self::Create => 1,
            Self::Update => 2,
            Self::Delete => 3,
        }
    }
}

impl Permission {
    /// Shorthand for a cell.
    pub const fn new(resource: ResourceKind, action: Action) -> Self {
        Self { resource, action }
    }
}

impl Action {
    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::View => "View",
            Self::Create => "Create",
            Self::Update => "Update",
            Self::Delete => "Delete",
        }
    }
}

/// One cell of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Permission {
    pub resource: ResourceKind,
    pub action: Action,
}

impl Permission {
    fn bit(self) -> u32 {
        1 << (self.resource.index() * 4 + self.action.index())
    }
}

/// A set of permissions, stored as a bit mask (one bit per matrix cell).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PermissionSet(u32);

impl PermissionSet {
    const MASK: u32 = (1 << 24) - 1;

    /// No permission at all (deny by default).
    pub const fn empty() -> Self {
        Self(0)
    }

    /// Every cell of the matrix.
    pub const fn all() -> Self {
        Self(Self::MASK)
    }

    /// View on every resource kind, nothing else.
    pub fn view_only() -> Self {
        ResourceKind::ALL
            .iter()
            .map(|&resource| Permission {
                resource,
                action: Action::View,
            })
            .collect()
    }

    /// Whether `permission` is granted.
    pub fn allows(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    /// Grants `permission`.
    pub fn insert(&mut self, permission: Permission) {
        self.0 |= permission.bit();
    }

    /// Takes `permission` away.
    pub fn remove(&mut self, permission: Permission) {
        self.0 &= !permission.bit();
    }

    /// Whether every permission of `other` is also in `self`.
    pub fn contains(self, other: Self) -> bool {
        other.0 & !self.0 == 0
    }

    /// The permissions in both sets.
    pub fn intersect(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// Every permission in either set.
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether no permission is granted.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many cells are granted.
    pub fn count(self) -> u32 {
        self.0.count_ones()
    }

    /// A short summary for lists: "Full access", "View only", "No access" or "N of 24".
    pub fn summary(self) -> String {
        if self == Self::all() {
            "Full access".to_owned()
        } else if self == Self::view_only() {
            "View only".to_owned()
        } else if self.is_empty() {
            "No access".to_owned()
        } else {
            format!("{} of {} permissions", self.count(), Self::all().count())
        }
    }

    /// The stored form.
    pub fn bits(self) -> i64 {
        i64::from(self.0)
    }

    /// From input: `None` when a bit names no cell of the matrix.
    pub fn try_from_bits(bits: i64) -> Option<Self> {
        (0..=i64::from(Self::MASK))
            .contains(&bits)
            .then(|| Self::from_bits(bits))
    }

    /// From the stored form; unknown bits are dropped.
    pub fn from_bits(bits: i64) -> Self {
        Self(u32::try_from(bits & i64::from(Self::MASK)).unwrap_or(0))
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = Self::empty();
        for permission in iter {
            set.insert(permission);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_has_its_own_bit() {
        let mut seen = PermissionSet::empty();
        for resource in ResourceKind::ALL {
            for action in Action::ALL {
                let p = Permission { resource, action };
                assert!(!seen.allows(p), "{p:?} shares a bit");
                seen.insert(p);
            }
        }
        assert_eq!(seen, PermissionSet::all());
        assert_eq!(PermissionSet::from_bits(PermissionSet::all().bits()), seen);
    }

    #[test]
    fn containment_is_subset() {
        assert!(PermissionSet::all().contains(PermissionSet::view_only()));
        assert!(!PermissionSet::view_only().contains(PermissionSet::all()));
        assert!(PermissionSet::empty().contains(PermissionSet::empty()));
        let mut some = PermissionSet::view_only();
        some.remove(Permission::new(ResourceKind::Vault, Action::View));
        assert!(PermissionSet::view_only().contains(some));
        assert!(!some.contains(PermissionSet::view_only()));
        assert_eq!(some.count(), 5);
    }

    #[test]
    fn view_only_allows_viewing_and_nothing_else() {
        let viewer = PermissionSet::view_only();
        for resource in ResourceKind::ALL {
            assert!(viewer.allows(Permission {
                resource,
                action: Action::View
            }));
            assert!(!viewer.allows(Permission {
                resource,
                action: Action::Delete
            }));
        }
    }
}
