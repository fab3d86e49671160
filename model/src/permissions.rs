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
}

/// What can be done to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    View,
    Create,
    Update,
    Delete,
    /// Start an Autom by hand ("Run now").
    Run,
    /// Read a vault item's secret (using it in an Autom does not need this).
    Reveal,
}

impl Action {
    /// Every action, in matrix order (not every resource has every action: see [`LAYOUT`]).
    pub const ALL: [Self; 6] = [
        Self::View,
        Self::Create,
        Self::Update,
        Self::Delete,
        Self::Run,
        Self::Reveal,
    ];
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
            Self::Run => "Run",
            Self::Reveal => "Reveal",
        }
    }
}

/// One cell of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Permission {
    pub resource: ResourceKind,
    pub action: Action,
}

/// Every permission that exists and its bit in the stored mask. Pinned: a bit never moves
/// and is never reused (roles and assignments store masks); new permissions take new bits.
/// `permission_layout` prints this table into a committed snapshot.
pub const LAYOUT: [(Permission, u32); 26] = {
    use Action::*;
    use ResourceKind::*;
    const fn p(resource: ResourceKind, action: Action) -> Permission {
        Permission { resource, action }
    }
    [
        (p(Automs, View), 0),
        (p(Automs, Create), 1),
        (p(Automs, Update), 2),
        (p(Automs, Delete), 3),
        (p(Alerts, View), 4),
        (p(Alerts, Create), 5),
        (p(Alerts, Update), 6),
        (p(Alerts, Delete), 7),
        (p(Dashboards, View), 8),
        (p(Dashboards, Create), 9),
        (p(Dashboards, Update), 10),
        (p(Dashboards, Delete), 11),
        (p(Agents, View), 12),
        (p(Agents, Create), 13),
        (p(Agents, Update), 14),
        (p(Agents, Delete), 15),
        (p(Vault, View), 16),
        (p(Vault, Create), 17),
        (p(Vault, Update), 18),
        (p(Vault, Delete), 19),
        (p(Users, View), 20),
        (p(Users, Create), 21),
        (p(Users, Update), 22),
        (p(Users, Delete), 23),
        (p(Automs, Run), 24),
        (p(Vault, Reveal), 25),
    ]
};

impl Permission {
    /// Whether this (resource, action) pair exists (Run is for Automs, Reveal for the Vault).
    pub fn exists(self) -> bool {
        self.bit() != 0
    }

    /// The permission's bit in the mask; 0 for a pair that does not exist.
    fn bit(self) -> u32 {
        LAYOUT
            .iter()
            .find(|(permission, _)| *permission == self)
            .map_or(0, |(_, bit)| 1 << bit)
    }
}

/// A set of permissions, stored as a bit mask (one bit per matrix cell).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PermissionSet(u32);

impl PermissionSet {
    /// Every bit of [`LAYOUT`].
    const MASK: u32 = {
        let mut mask = 0;
        let mut i = 0;
        while i < LAYOUT.len() {
            mask |= 1 << LAYOUT[i].1;
            i += 1;
        }
        mask
    };

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

    /// What the set grants, named: a preset's name ("Full access", "View only", "No access")
    /// or the granted cells by resource ("Automs: view, run · Users: view").
    pub fn summary(self) -> String {
        if self == Self::all() {
            return "Full access".to_owned();
        } else if self == Self::view_only() {
            return "View only".to_owned();
        } else if self.is_empty() {
            return "No access".to_owned();
        }
        ResourceKind::ALL
            .iter()
            .filter_map(|&resource| {
                let granted: Vec<String> = Action::ALL
                    .iter()
                    .map(|&action| Permission { resource, action })
                    .filter(|cell| cell.exists() && self.allows(*cell))
                    .map(|cell| cell.action.label().to_lowercase())
                    .collect();
                (!granted.is_empty())
                    .then(|| format!("{}: {}", resource.label(), granted.join(", ")))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// The stored form.
    pub fn bits(self) -> i64 {
        i64::from(self.0)
    }

    /// From input: `None` when a bit names no cell of the matrix.
    pub fn try_from_bits(bits: i64) -> Option<Self> {
        (bits >= 0 && bits & !i64::from(Self::MASK) == 0).then(|| Self::from_bits(bits))
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
    fn a_summary_names_the_preset_or_the_granted_cells() {
        assert_eq!(PermissionSet::all().summary(), "Full access");
        assert_eq!(PermissionSet::view_only().summary(), "View only");
        assert_eq!(PermissionSet::empty().summary(), "No access");
        let set: PermissionSet = [
            Permission::new(ResourceKind::Automs, Action::View),
            Permission::new(ResourceKind::Automs, Action::Run),
            Permission::new(ResourceKind::Users, Action::View),
        ]
        .into_iter()
        .collect();
        assert_eq!(set.summary(), "Automs: view, run · Users: view");
    }

    #[test]
    fn every_cell_has_its_own_bit() {
        let mut seen = PermissionSet::empty();
        for resource in ResourceKind::ALL {
            for action in Action::ALL {
                let p = Permission { resource, action };
                if !p.exists() {
                    continue;
                }
                assert!(!seen.allows(p), "{p:?} shares a bit");
                seen.insert(p);
            }
        }
        assert_eq!(seen, PermissionSet::all());
        assert_eq!(seen.count(), 26);
        assert_eq!(PermissionSet::from_bits(PermissionSet::all().bits()), seen);
        // Run and Reveal exist only where they mean something.
        assert!(Permission::new(ResourceKind::Automs, Action::Run).exists());
        assert!(Permission::new(ResourceKind::Vault, Action::Reveal).exists());
        assert!(!Permission::new(ResourceKind::Users, Action::Run).exists());
        assert!(!Permission::new(ResourceKind::Automs, Action::Reveal).exists());
        let mut nothing = PermissionSet::empty();
        nothing.insert(Permission::new(ResourceKind::Alerts, Action::Reveal));
        assert!(
            nothing.is_empty(),
            "a pair that does not exist grants nothing"
        );
    }

    /// The stored layout, one line per permission, compared with the committed snapshot
    /// (`UPDATE_SNAPSHOTS=1` rewrites it; review the diff: a moved bit changes every role).
    #[test]
    fn permission_layout() {
        let printed: String = LAYOUT
            .iter()
            .map(|(p, bit)| {
                format!(
                    "bit {bit:>2}  {:<10} {}\n",
                    p.resource.label(),
                    p.action.label()
                )
            })
            .collect();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/snapshots/permission_layout.txt"
        );
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(path, &printed).expect("write snapshot");
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(printed, committed, "the permission layout changed: {path}");
        // Every pair that exists is in the layout exactly once.
        for (i, (a, _)) in LAYOUT.iter().enumerate() {
            assert!(LAYOUT[i + 1..].iter().all(|(b, _)| a != b), "{a:?} twice");
        }
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
