//! Output files: every one written to a temporary file beside its target and renamed into
//! place at the end, so a run that dies leaves the old file or none, never half a file.

pub mod annotations;
pub mod atomic;
pub mod clean;
pub mod dolma;
pub mod guard;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod restore;

pub use annotations::AnnotationsWriter;
pub use atomic::AtomicFile;
pub use clean::{restore, CleanWriter};

use base64::Engine;
use serde_json::{Map, Value};

/// Puts bytes into a JSON object under `key`: as a string when they are UTF-8; otherwise as
/// the lossy string plus `<key>_base64` with the exact bytes, so nothing is lost.
pub(crate) fn put_bytes(obj: &mut Map<String, Value>, key: &str, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            obj.insert(key.to_string(), Value::String(s.to_string()));
        }
        Err(_) => {
            obj.insert(key.to_string(), Value::String(String::from_utf8_lossy(bytes).into_owned()));
            obj.insert(
                format!("{key}_base64"),
                Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
            );
        }
    }
}

/// [`put_bytes`] of owned bytes: UTF-8 becomes the string without a copy.
pub(crate) fn put_owned(obj: &mut Map<String, Value>, key: &str, bytes: Vec<u8>) {
    match String::from_utf8(bytes) {
        Ok(s) => {
            obj.insert(key.to_string(), Value::String(s));
        }
        Err(e) => put_bytes(obj, key, e.as_bytes()),
    }
}

/// The exact bytes stored by `put_bytes`: `<key>_base64` when present, else the string.
pub fn get_bytes(obj: &Map<String, Value>, key: &str) -> Option<Vec<u8>> {
    if let Some(Value::String(b64)) = obj.get(&format!("{key}_base64")) {
        return base64::engine::general_purpose::STANDARD.decode(b64).ok();
    }
    match obj.get(key)? {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        _ => None,
    }
}
