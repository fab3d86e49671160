//! The checks every input of the same kind gets, wherever it comes from: names, email
//! addresses, phone numbers. Each trims or normalizes what it accepts and refuses the rest
//! with a typed error naming the field.

use hub_model::{HubError, HubResult};

/// The longest name (of a person, organization, tenant, role or key) in characters.
pub const MAX_NAME_LEN: usize = 100;
/// The longest phone number in characters.
pub const MAX_PHONE_LEN: usize = 32;

/// Normalizes an email address for lookup and storage.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Trims a name and checks it is present and not too long.
pub fn validate_name(field: &str, value: &str, label: &str) -> HubResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(HubError::invalid(field, format!("Enter the {label}.")));
    }
    if value.chars().count() > MAX_NAME_LEN || value.chars().any(char::is_control) {
        return Err(HubError::invalid(
            field,
            format!("Use at most {MAX_NAME_LEN} printable characters for the {label}."),
        ));
    }
    Ok(value.to_owned())
}

/// Normalizes an email address and checks its shape (the mailbox is proven by use, not by regex).
pub fn validate_email(value: &str) -> HubResult<String> {
    let email = normalize_email(value);
    let shaped = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if shaped {
        Ok(email)
    } else {
        Err(HubError::invalid(
            "email",
            "Enter a valid email address, such as name@example.com.",
        ))
    }
}

/// Checks a phone number: optional; digits, spaces and `+ - ( ) .` only.
pub fn validate_phone(phone: &str) -> HubResult<String> {
    let phone = phone.trim();
    let shaped = phone.chars().count() <= MAX_PHONE_LEN
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if shaped {
        Ok(phone.to_owned())
    } else {
        Err(HubError::invalid(
            "phone",
            format!("Use digits, spaces and + - ( ) for the phone number, at most {MAX_PHONE_LEN} characters."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            validate_email("  Alex@Example.COM ").ok().as_deref(),
            Some("alex@example.com")
        );
        for bad in [
            "",
            "alex",
            "alex@",
            "@example.com",
            "alex@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(validate_email(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            validate_name("n", "  Northwind  ", "name").ok().as_deref(),
            Some("Northwind")
        );
        assert!(validate_name("n", "   ", "name").is_err());
        assert!(validate_name("n", &"x".repeat(MAX_NAME_LEN + 1), "name").is_err());
        assert!(validate_name("n", "bad\u{0}name", "name").is_err());
    }

    #[test]
    fn phones_are_optional_and_shaped() {
        assert_eq!(
            validate_phone(" +1 (555) 010-0100 ").ok().as_deref(),
            Some("+1 (555) 010-0100")
        );
        assert_eq!(validate_phone("").ok().as_deref(), Some(""));
        assert!(validate_phone("call me").is_err());
        assert!(validate_phone(&"1".repeat(MAX_PHONE_LEN + 1)).is_err());
    }
}
