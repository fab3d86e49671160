//! License keys: EdDSA-signed JWTs naming the licensee, expiry, the maximum number of
//! tenants and the default per-tenant limits. The hub verifies them with a configured public
//! key; the vendor issues them with the private key (`msp-hub license issue`).

use base64::{engine::general_purpose::STANDARD, Engine as _};
pub use hub_model::dates::iso_date;
use hub_model::{tenants::TenantLimits, HubError, HubResult, LicenseProblem};
use jsonwebtoken::{
    decode, decode_header, encode, errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header,
    Validation,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// What a license key says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseClaims {
    /// The licensee.
    pub sub: String,
    /// The license's own id.
    pub jti: String,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expires at (seconds).
    pub exp: i64,
    /// Tenants the MSP may run.
    pub max_tenants: i64,
    /// Limits every new tenant starts with.
    pub limits: TenantLimits,
}

impl LicenseClaims {
    fn check_limits(&self) -> HubResult<()> {
        let invalid = |detail: &str| {
            Err(HubError::LicenseInvalid {
                problem: LicenseProblem::InvalidLimits {
                    detail: detail.to_owned(),
                },
            })
        };
        if self.sub.trim().is_empty() {
            return invalid("the licensee is empty");
        }
        if self.max_tenants < 1 {
            return invalid("it allows no tenants");
        }
        if self.limits.automs < 0 || self.limits.users < 1 || self.limits.agents < 0 {
            return invalid("a per-tenant limit is below its minimum");
        }
        if self.exp <= self.iat {
            return invalid("it expires before it was issued");
        }
        Ok(())
    }
}

/// The fingerprint of a public key, carried as the token's `kid`: it tells "made for another
/// key" apart from "altered".
fn key_id(public_pem: &[u8]) -> HubResult<String> {
    let text = std::str::from_utf8(public_pem).map_err(|_| not_configured())?;
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(body.trim()).map_err(|_| not_configured())?;
    let digest = Sha256::digest(der);
    Ok(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
}

fn not_configured() -> HubError {
    HubError::LicenseInvalid {
        problem: LicenseProblem::NotConfigured,
    }
}

fn problem(problem: LicenseProblem) -> HubError {
    HubError::LicenseInvalid { problem }
}

/// The repository's development key pair (`keys/dev/`). Anyone can issue licenses with its
/// private half, so only the demo and the tests trust it, and only when told to.
pub const DEVELOPMENT_PUBLIC_KEY: &[u8] = include_bytes!("../../../../keys/dev/license-public.pem");
/// The private half of [`DEVELOPMENT_PUBLIC_KEY`]: the demo signs its license with it.
pub const DEVELOPMENT_PRIVATE_KEY: &[u8] =
    include_bytes!("../../../../keys/dev/license-private.pem");

/// Verifies license keys against the configured public key.
pub struct LicenseVerifier {
    key: DecodingKey,
    kid: String,
}

impl LicenseVerifier {
    /// From the Ed25519 public key in PEM form.
    pub fn from_public_pem(pem: &[u8]) -> HubResult<Self> {
        let key = DecodingKey::from_ed_pem(pem).map_err(|_| not_configured())?;
        Ok(Self {
            key,
            kid: key_id(pem)?,
        })
    }

    /// Whether this is the repository's development key, which anyone can sign with.
    pub fn is_development(&self) -> bool {
        key_id(DEVELOPMENT_PUBLIC_KEY).is_ok_and(|kid| kid == self.kid)
    }

    /// Checks the key's form, key id, signature, expiry and limits, in that order.
    pub fn verify(&self, token: &str, now_secs: i64) -> HubResult<LicenseClaims> {
        let token = token.trim();
        let header = decode_header(token).map_err(|_| problem(LicenseProblem::Malformed))?;
        if header.alg != Algorithm::EdDSA {
            return Err(problem(LicenseProblem::Malformed));
        }
        if header.kid.as_deref() != Some(self.kid.as_str()) {
            return Err(problem(LicenseProblem::WrongKey));
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        // Expiry is checked below against `now_secs`, so it has a message with the date.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        let claims = decode::<LicenseClaims>(token, &self.key, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => problem(LicenseProblem::BadSignature),
                _ => problem(LicenseProblem::Malformed),
            })?
            .claims;
        if claims.exp <= now_secs {
            return Err(problem(LicenseProblem::Expired {
                expired_on: iso_date(claims.exp),
            }));
        }
        claims.check_limits()?;
        Ok(claims)
    }
}

/// Issues license keys with the vendor's private key.
pub struct LicenseIssuer {
    key: EncodingKey,
    verifier: LicenseVerifier,
}

impl LicenseIssuer {
    /// From the Ed25519 key pair in PEM form (the public key names the key and checks the pair).
    pub fn from_pem(private_pem: &[u8], public_pem: &[u8]) -> HubResult<Self> {
        let key = EncodingKey::from_ed_pem(private_pem).map_err(|_| not_configured())?;
        Ok(Self {
            key,
            verifier: LicenseVerifier::from_public_pem(public_pem)?,
        })
    }

    /// Signs `claims` and verifies the result with the public key before returning it.
    pub fn issue(&self, claims: &LicenseClaims, now_secs: i64) -> HubResult<String> {
        claims.check_limits()?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.verifier.kid.clone());
        let token = encode(&header, claims, &self.key).map_err(|e| crate::db::internal(&e))?;
        self.verifier
            .verify(&token, now_secs)
            .map_err(|e| match e {
                HubError::LicenseInvalid {
                    problem: LicenseProblem::BadSignature,
                } => HubError::invalid(
                    "private_key",
                    "The private key does not belong to the public key.",
                ),
                other => other,
            })?;
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV_PRIVATE: &[u8] = include_bytes!("../../../../keys/dev/license-private.pem");
    const DEV_PUBLIC: &[u8] = include_bytes!("../../../../keys/dev/license-public.pem");
    // Another Ed25519 key pair, made for this test only.
    const OTHER_PRIVATE: &[u8] = b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIBsjRmmtN3dbGvN2Hwe9OOzL9hWz1n2SJ3u3V2ZkfLXt\n-----END PRIVATE KEY-----\n";
    const OTHER_PUBLIC: &[u8] = b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAs56tJre2U601jB3u/Nm1OI1x8n9JK7HsDF93Y76RJv0=\n-----END PUBLIC KEY-----\n";
    const NOW: i64 = 1_795_000_000;

    fn claims() -> LicenseClaims {
        LicenseClaims {
            sub: "Northwind MSP".to_owned(),
            jti: "lic-1".to_owned(),
            iat: NOW - 10,
            exp: NOW + 365 * 86_400,
            max_tenants: 25,
            limits: TenantLimits {
                automs: 50,
                users: 20,
                agents: 5,
            },
        }
    }

    fn issuer() -> LicenseIssuer {
        LicenseIssuer::from_pem(DEV_PRIVATE, DEV_PUBLIC).expect("dev key pair")
    }

    fn verifier() -> LicenseVerifier {
        LicenseVerifier::from_public_pem(DEV_PUBLIC).expect("dev public key")
    }

    #[test]
    fn the_development_key_is_recognised() {
        assert!(verifier().is_development());
        let other = LicenseIssuer::from_pem(OTHER_PRIVATE, OTHER_PUBLIC).expect("other pair");
        assert!(!other.verifier.is_development());
    }

    fn problem_of(result: HubResult<LicenseClaims>) -> Option<LicenseProblem> {
        match result {
            Err(HubError::LicenseInvalid { problem }) => Some(problem),
            _ => None,
        }
    }

    #[test]
    fn issued_keys_verify_with_the_public_key() {
        let token = issuer().issue(&claims(), NOW).expect("issue");
        assert_eq!(
            verifier().verify(&format!("  {token}\n"), NOW),
            Ok(claims())
        );
    }

    #[test]
    fn each_kind_of_bad_key_has_its_own_problem() {
        let token = issuer().issue(&claims(), NOW).expect("issue");
        assert_eq!(
            problem_of(verifier().verify("not a key", NOW)),
            Some(LicenseProblem::Malformed)
        );
        assert_eq!(
            problem_of(verifier().verify(&token[..token.len() / 2], NOW)),
            Some(LicenseProblem::Malformed)
        );

        // Change one character of the signature: made for this key, but altered.
        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("ascii");
        assert_eq!(
            problem_of(verifier().verify(&altered, NOW)),
            Some(LicenseProblem::BadSignature)
        );

        // Signed with another private key under this hub's key id: also a bad signature.
        let forged = {
            let mut header = Header::new(Algorithm::EdDSA);
            header.kid = Some(verifier().kid);
            let key = EncodingKey::from_ed_pem(OTHER_PRIVATE).expect("other key");
            encode(&header, &claims(), &key).expect("sign")
        };
        assert_eq!(
            problem_of(verifier().verify(&forged, NOW)),
            Some(LicenseProblem::BadSignature)
        );

        // Made for another vendor key (another kid).
        let foreign = {
            let mut header = Header::new(Algorithm::EdDSA);
            header.kid = Some("0011223344556677".to_owned());
            let key = EncodingKey::from_ed_pem(OTHER_PRIVATE).expect("other key");
            encode(&header, &claims(), &key).expect("sign")
        };
        assert_eq!(
            problem_of(verifier().verify(&foreign, NOW)),
            Some(LicenseProblem::WrongKey)
        );

        let later = claims().exp + 1;
        assert_eq!(
            problem_of(verifier().verify(&token, later)),
            Some(LicenseProblem::Expired {
                expired_on: iso_date(claims().exp)
            })
        );
    }

    #[test]
    fn nonsense_limits_are_refused_at_issue_time() {
        let mut bad = claims();
        bad.max_tenants = 0;
        assert!(matches!(
            issuer().issue(&bad, NOW),
            Err(HubError::LicenseInvalid {
                problem: LicenseProblem::InvalidLimits { .. }
            })
        ));
    }

    #[test]
    fn a_mismatched_key_pair_is_caught_before_a_key_is_printed() {
        let mismatched = LicenseIssuer::from_pem(OTHER_PRIVATE, DEV_PUBLIC).expect("loads");
        assert!(matches!(
            mismatched.issue(&claims(), NOW),
            Err(HubError::InvalidInput { .. })
        ));
    }
}
