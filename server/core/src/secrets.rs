//! Secrets kept as files in the data directory, generated on first start.
//! Nothing secret is ever hard-coded: a fresh installation makes its own.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use rand::RngCore as _;
use std::{fs, io, path::Path};

/// Reads a base64 secret of `len` random bytes from `path`, creating it (mode 0600) when missing.
pub fn load_or_generate(path: &Path, len: usize) -> io::Result<Vec<u8>> {
    if path.exists() {
        let text = fs::read_to_string(path)?;
        let bytes = STANDARD.decode(text.trim()).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: not base64 ({e})", path.display()),
            )
        })?;
        if bytes.len() < len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: needs at least {len} bytes, has {}",
                    path.display(),
                    bytes.len()
                ),
            ));
        }
        return Ok(bytes);
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut bytes = vec![0u8; len];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    write_private(path, &STANDARD.encode(&bytes))?;
    Ok(bytes)
}

/// Reads a text secret (such as a database password), generating a random one when missing.
pub fn load_or_generate_text(path: &Path) -> io::Result<String> {
    let bytes = load_or_generate(path, 24)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes `text` to `path` (mode 0600), replacing what was there.
pub fn replace_private(path: &Path, text: &str) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    write_private(path, text)
}

/// Makes `path` readable and writable by its owner only (0600), creating it empty when
/// missing: for the SQLite database, whose journal files SQLite then creates alike.
#[cfg(unix)]
pub fn make_private_file(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
}

/// Elsewhere file modes do not apply.
#[cfg(not(unix))]
pub fn make_private_file(path: &Path) -> io::Result<()> {
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map(|_| ())
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> io::Result<()> {
    use std::{io::Write as _, os::unix::fs::OpenOptionsExt as _};
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> io::Result<()> {
    fs::write(path, format!("{text}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_once_then_reads_the_same_secret() {
        let dir = std::env::temp_dir().join(format!("hub-secret-{}", uuid::Uuid::new_v4()));
        let path = dir.join("session.key");
        let first = load_or_generate(&path, 32).expect("generate");
        let second = load_or_generate(&path, 32).expect("read back");
        assert_eq!(first.len(), 32);
        assert_eq!(first, second);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn refuses_a_short_secret() {
        let dir = std::env::temp_dir().join(format!("hub-secret-{}", uuid::Uuid::new_v4()));
        fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("short.key");
        fs::write(&path, STANDARD.encode([1u8; 4])).expect("write");
        assert!(load_or_generate(&path, 32).is_err());
        let _ = fs::remove_dir_all(dir);
    }
}
