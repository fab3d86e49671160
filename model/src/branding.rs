//! White-label branding: product name, colors and logo (DESIGN §5).

use serde::{Deserialize, Serialize};

/// The product name when no brand is set.
pub const DEFAULT_PRODUCT_NAME: &str = "MSP Hub";
/// The default primary color (the stylesheet's `--brand-primary`).
pub const DEFAULT_PRIMARY: &str = "#2f5bea";
/// The default accent color (the stylesheet's `--brand-accent`).
pub const DEFAULT_ACCENT: &str = "#12b5a5";
/// Longest product name accepted.
pub const MAX_PRODUCT_NAME_LEN: usize = 40;
/// Largest logo upload accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;
/// Largest logo side after scaling, in pixels.
pub const LOGO_MAX_SIDE: u32 = 512;

/// The brand every page applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    /// Bumped on every change; session tokens carry it so clients know to refresh.
    pub version: i64,
    pub product_name: String,
    /// `#rrggbb`.
    pub primary_color: String,
    /// `#rrggbb`.
    pub accent_color: String,
    /// The content-hash URL of the logo, if one is uploaded.
    pub logo_url: Option<String>,
}

impl Brand {
    /// The stylesheet that sets this brand's CSS custom properties.
    pub fn theme_url(&self) -> String {
        format!("/brand/theme.css?v={}", self.version)
    }

    /// Whether anything differs from the default brand.
    pub fn is_default(&self) -> bool {
        self.product_name == DEFAULT_PRODUCT_NAME
            && self.primary_color == DEFAULT_PRIMARY
            && self.accent_color == DEFAULT_ACCENT
            && self.logo_url.is_none()
    }
}

impl Default for Brand {
    fn default() -> Self {
        Self {
            version: 0,
            product_name: DEFAULT_PRODUCT_NAME.to_owned(),
            primary_color: DEFAULT_PRIMARY.to_owned(),
            accent_color: DEFAULT_ACCENT.to_owned(),
            logo_url: None,
        }
    }
}

/// Normalizes a color to lowercase `#rrggbb` (`#rgb` is expanded), or `None` if it is not one.
pub fn normalize_color(value: &str) -> Option<String> {
    let hex = value.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    match hex.len() {
        6 => Some(format!("#{hex}")),
        3 => Some(format!(
            "#{}",
            hex.chars().flat_map(|c| [c, c]).collect::<String>()
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_are_hex_only() {
        assert_eq!(normalize_color(" #1A2b3C ").as_deref(), Some("#1a2b3c"));
        assert_eq!(normalize_color("#abc").as_deref(), Some("#aabbcc"));
        for bad in [
            "",
            "1a2b3c",
            "#12345",
            "#ggg",
            "red",
            "#123;}body{",
            "#1234567",
        ] {
            assert_eq!(normalize_color(bad), None, "{bad:?}");
        }
    }
}
