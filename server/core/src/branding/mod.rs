//! White-label branding (DESIGN §5): product name, colors and logo, MSP Admin only.
//!
//! Every change bumps the brand version. Session tokens carry the version they were issued
//! under, so a signed-in browser learns on its next request that its brand is stale.

pub mod logo;

use crate::access::msp::{MspGrant, MspRole};

/// Serving the brand to everyone (the login page shows it).
const PUBLIC_BRAND: crate::caller::SystemTask = crate::caller::SystemTask::new("serve the brand");
use crate::{
    audit::AuditEvent, clock::now_ms, db::DbResultExt as _, validate::validate_name, Hub, Principal,
};
use hub_model::audit::AuditAction;
use hub_model::{
    branding::{
        normalize_color, Brand, DEFAULT_ACCENT, DEFAULT_PRIMARY, DEFAULT_PRODUCT_NAME,
        MAX_PRODUCT_NAME_LEN,
    },
    HubError, HubResult,
};
use sha2::{Digest as _, Sha256};

/// What the Branding page saves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrandInput {
    pub product_name: String,
    pub primary_color: String,
    pub accent_color: String,
}

/// The theme stylesheet and the brand version it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemeCss {
    pub version: i64,
    pub css: String,
}

/// A stored logo, as the logo route serves it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredLogo {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The URL of a logo: its content hash and an extension matching its type.
fn logo_url(sha256: &str, content_type: &str) -> String {
    let ext = if content_type == "image/png" {
        "png"
    } else {
        "jpg"
    };
    format!("/brand/logo/{sha256}.{ext}")
}

/// The brand row with its logo's type (unset values fall back to the defaults).
#[derive(sqlx::FromRow)]
struct BrandRow {
    version: i64,
    product_name: Option<String>,
    primary_color: Option<String>,
    accent_color: Option<String>,
    logo_sha256: Option<String>,
    content_type: Option<String>,
}

/// The brand version now in force, read with `executor`.
pub(crate) async fn version(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
) -> HubResult<i64> {
    sqlx::query_scalar("SELECT version FROM branding WHERE id = 1")
        .fetch_one(executor)
        .await
        .db()
}

impl Hub {
    /// The brand every page applies. Open to everyone (the login page shows it).
    pub async fn brand(&self) -> HubResult<Brand> {
        let row: BrandRow = sqlx::query_as(
            "SELECT b.version, b.product_name, b.primary_color, b.accent_color, b.logo_sha256, l.content_type \
             FROM branding b LEFT JOIN brand_logos l ON l.sha256 = b.logo_sha256 WHERE b.id = 1",
        )
        .fetch_one(self.system_conn(PUBLIC_BRAND).await?.conn())
        .await
        .db()?;
        Ok(Brand {
            version: row.version,
            product_name: row
                .product_name
                .unwrap_or_else(|| DEFAULT_PRODUCT_NAME.to_owned()),
            primary_color: row
                .primary_color
                .unwrap_or_else(|| DEFAULT_PRIMARY.to_owned()),
            accent_color: row
                .accent_color
                .unwrap_or_else(|| DEFAULT_ACCENT.to_owned()),
            logo_url: row
                .logo_sha256
                .zip(row.content_type)
                .map(|(sha, ct)| logo_url(&sha, &ct)),
        })
    }

    /// The stylesheet with the brand's custom properties (colors are validated on save), and
    /// the brand version it belongs to.
    pub async fn theme_css(&self) -> HubResult<ThemeCss> {
        let brand = self.brand().await?;
        Ok(ThemeCss {
            version: brand.version,
            css: format!(
                ":root {{ --brand-primary: {}; --brand-accent: {}; }}\n",
                brand.primary_color, brand.accent_color
            ),
        })
    }

    /// A logo by content hash, for the immutable logo URL.
    pub async fn logo(&self, sha256: &str) -> HubResult<StoredLogo> {
        let valid = sha256.len() == 64
            && sha256
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
        if !valid {
            return Err(HubError::not_found("The logo"));
        }
        let row: Option<StoredLogo> =
            sqlx::query_as("SELECT content_type, bytes FROM brand_logos WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(self.system_conn(PUBLIC_BRAND).await?.conn())
                .await
                .db()?;
        row.ok_or_else(|| HubError::not_found("The logo"))
    }

    /// Saves the product name and colors.
    pub async fn update_brand(
        &self,
        principal: &Principal,
        input: &BrandInput,
    ) -> HubResult<Brand> {
        let grant = self
            .msp_grant(
                principal,
                AuditAction::BrandingUpdateBrand,
                MspRole::MspAdmin,
            )
            .await?;
        let name = validate_name("product_name", &input.product_name, "product name")?;
        if name.chars().count() > MAX_PRODUCT_NAME_LEN {
            return Err(HubError::invalid(
                "product_name",
                format!("Use at most {MAX_PRODUCT_NAME_LEN} characters for the product name."),
            ));
        }
        let color = |field: &str, label: &str, value: &str| {
            normalize_color(value).ok_or_else(|| {
                HubError::invalid(
                    field,
                    format!("Enter the {label} color as a hex value such as #2f5bea."),
                )
            })
        };
        let primary = color("primary_color", "primary", &input.primary_color)?;
        let accent = color("accent_color", "accent", &input.accent_color)?;
        self.change_brand(
            grant,
            AuditAction::BrandingUpdate,
            format!("product name {name:?}, primary {primary}, accent {accent}"),
            "UPDATE branding SET product_name = $1, primary_color = $2, accent_color = $3, \
             version = version + 1, updated_at = $4 WHERE id = 1",
            vec![name, primary, accent],
        )
        .await
    }

    /// Validates and stores a logo upload (see [`logo::process`]); nothing is stored on refusal.
    pub async fn upload_logo(&self, principal: &Principal, bytes: &[u8]) -> HubResult<Brand> {
        let grant = self
            .msp_grant(
                principal,
                AuditAction::BrandingUploadLogo,
                MspRole::MspAdmin,
            )
            .await?;
        let processed = tokio::task::spawn_blocking({
            let bytes = bytes.to_vec();
            move || logo::process(&bytes)
        })
        .await
        .map_err(|e| crate::db::internal(&e))??;
        let sha: String = Sha256::digest(&processed.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let now = now_ms();
        let mut tx = grant.write(self).await?;
        sqlx::query(
            "INSERT INTO brand_logos (sha256, content_type, bytes, width, height, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&sha)
        .bind(processed.content_type)
        .bind(processed.bytes.clone())
        .bind(i64::from(processed.width))
        .bind(i64::from(processed.height))
        .bind(now)
        .execute(&mut *tx)
        .await
        .db()?;
        sqlx::query("UPDATE branding SET logo_sha256 = $1, version = version + 1, updated_at = $2 WHERE id = 1")
            .bind(&sha)
            .bind(now)
            .execute(&mut *tx)
            .await
            .db()?;
        let detail = format!(
            "logo {sha} ({}×{} {})",
            processed.width, processed.height, processed.content_type
        );
        AuditEvent::allowed(
            principal,
            AuditAction::BrandingLogo,
            None,
            "branding",
            detail,
        )
        .record(&mut *tx)
        .await?;
        tx.commit().await?;
        self.brand().await
    }

    /// Back to the default product name, colors and mark.
    pub async fn reset_brand(&self, principal: &Principal) -> HubResult<Brand> {
        let grant = self
            .msp_grant(
                principal,
                AuditAction::BrandingResetBrand,
                MspRole::MspAdmin,
            )
            .await?;
        self.change_brand(
            grant,
            AuditAction::BrandingReset,
            "reset to the default brand".to_owned(),
            "UPDATE branding SET product_name = NULL, primary_color = NULL, accent_color = NULL, \
             logo_sha256 = NULL, version = version + 1, updated_at = $1 WHERE id = 1",
            Vec::new(),
        )
        .await
    }

    async fn change_brand(
        &self,
        grant: MspGrant,
        action: AuditAction,
        detail: String,
        sql: &str,
        values: Vec<String>,
    ) -> HubResult<Brand> {
        let mut tx = grant.write(self).await?;
        let mut query = sqlx::query(sql);
        for value in values {
            query = query.bind(value);
        }
        query.bind(now_ms()).execute(&mut *tx).await.db()?;
        AuditEvent::allowed(tx.caller(), action, None, "branding", detail)
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        self.brand().await
    }
}
