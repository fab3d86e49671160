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
    if value.chars().all(is_invisible) {
        return Err(HubError::invalid(
            field,
            format!("Enter the {label}: it has only invisible characters."),
        ));
    }
    if value.chars().any(is_direction_control) {
        return Err(HubError::invalid(
            field,
            format!("The {label} has text-direction controls, which can make it read as another name; type it without them."),
        ));
    }
    Ok(value.to_owned())
}

/// Characters that show nothing: spaces of every kind, zero-width and joiner characters,
/// invisible format and filler characters, variation selectors and tags. A name made only of
/// these looks empty in every list.
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Bidirectional overrides, embeddings, isolates and marks: inside a name they can make it
/// display as something else ("Trojan Source" spoofing).
pub(crate) fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character but the tab shown as U+FFFD: for text other systems
/// send that is kept as they sent it otherwise (run logs, run errors). PostgreSQL refuses NUL
/// in text, and terminal escapes mean nothing on a page.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(|c| c.is_control() && c != '\t') {
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
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
        // Found by probing: names of zero-width characters only looked empty everywhere.
        for invisible in [
            "\u{200B}",
            "\u{200B}\u{FEFF}\u{2060}",
            "\u{3164}",
            "\u{00AD}\u{200D}",
        ] {
            assert!(
                validate_name("n", invisible, "name").is_err(),
                "{invisible:?}"
            );
        }
        assert!(validate_name("n", "Contoso\u{202E}lmth.exe", "name").is_err());
        assert_eq!(
            validate_name("n", "Café\u{200D}Bar", "name")
                .ok()
                .as_deref(),
            Some("Café\u{200D}Bar"),
            "a joiner inside a visible name is fine"
        );
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

    #[test]
    fn control_characters_become_visible_replacements() {
        assert_eq!(printable("plain\ttext"), "plain\ttext");
        assert_eq!(
            printable("a\u{0}b\u{1b}[31mred\r"),
            "a\u{FFFD}b\u{FFFD}[31mred\u{FFFD}"
        );
    }
}
