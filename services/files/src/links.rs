//! Short-lived signed download links: `<img src>` cannot send a token header, so a file's
//! metadata carries URLs whose query holds an expiry and an HMAC-SHA256 over the file id,
//! the variant (content or thumbnail) and that expiry.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use ring::hmac;
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use crate::error::FilesError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Content,
    Thumbnail,
}

impl Variant {
    fn as_str(self) -> &'static str {
        match self {
            Variant::Content => "content",
            Variant::Thumbnail => "thumbnail",
        }
    }
}

const DEFAULT_TTL: chrono::Duration = chrono::Duration::minutes(15);

pub struct LinkSigner {
    key: hmac::Key,
    ttl: chrono::Duration,
}

/// Links handed out together (with one answer), all valid until `expires_at`.
pub struct Issued<'a> {
    signer: &'a LinkSigner,
    pub expires_at: DateTime<Utc>,
}

impl Issued<'_> {
    pub fn url(&self, id: Uuid, variant: Variant) -> String {
        self.signer.url(id, variant, self.expires_at)
    }
}

impl LinkSigner {
    /// Links it issues are valid for 15 minutes, unless [`with_ttl`](Self::with_ttl) says otherwise.
    pub fn new(secret: &SecretString) -> Self {
        Self { key: hmac::Key::new(hmac::HMAC_SHA256, secret.expose_secret().as_bytes()), ttl: DEFAULT_TTL }
    }

    pub fn with_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.ttl = chrono::Duration::from_std(ttl).unwrap_or(DEFAULT_TTL);
        self
    }

    /// Links valid from now for the configured time. Hand them out only with metadata read
    /// for the reader through `access`.
    pub fn issue(&self) -> Issued<'_> {
        Issued { signer: self, expires_at: Utc::now() + self.ttl }
    }

    fn message(id: Uuid, variant: Variant, expires: i64) -> String {
        format!("gamme-file-link-v1\n{id}\n{}\n{expires}", variant.as_str())
    }

    /// `/api/files/{id}/{variant}?expires=…&sig=…`
    pub fn url(&self, id: Uuid, variant: Variant, expires_at: DateTime<Utc>) -> String {
        let expires = expires_at.timestamp();
        let tag = hmac::sign(&self.key, Self::message(id, variant, expires).as_bytes());
        format!("/api/files/{id}/{}?expires={expires}&sig={}", variant.as_str(), URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// A bad signature is refused before the expiry is looked at, so a forged link never
    /// learns whether its expiry would have been accepted.
    pub fn verify(&self, id: Uuid, variant: Variant, expires: i64, sig: &str) -> Result<(), FilesError> {
        let tag = URL_SAFE_NO_PAD.decode(sig).map_err(|_| FilesError::BadSignature)?;
        hmac::verify(&self.key, Self::message(id, variant, expires).as_bytes(), &tag)
            .map_err(|_| FilesError::BadSignature)?;
        let now = Utc::now().timestamp();
        if expires <= now {
            return Err(FilesError::LinkExpired);
        }
        // Whoever holds the key could sign a link for years; the service never issues one
        // longer than its TTL (plus a minute of clock skew between replicas), so refuse it.
        if expires > now + self.ttl.num_seconds() + 60 {
            return Err(FilesError::BadSignature);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (i64, String) {
        let query = url.split_once('?').unwrap().1;
        let mut expires = 0;
        let mut sig = String::new();
        for pair in query.split('&') {
            match pair.split_once('=').unwrap() {
                ("expires", v) => expires = v.parse().unwrap(),
                ("sig", v) => sig = v.to_owned(),
                _ => {}
            }
        }
        (expires, sig)
    }

    #[test]
    fn a_link_is_valid_for_its_file_and_variant_until_it_expires() {
        let signer = LinkSigner::new(&SecretString::from("k"));
        let id = Uuid::new_v4();
        let (expires, sig) = parts(&signer.url(id, Variant::Content, Utc::now() + chrono::Duration::minutes(5)));
        assert!(signer.verify(id, Variant::Content, expires, &sig).is_ok());
        assert!(matches!(signer.verify(id, Variant::Thumbnail, expires, &sig), Err(FilesError::BadSignature)));
        assert!(matches!(
            signer.verify(Uuid::new_v4(), Variant::Content, expires, &sig),
            Err(FilesError::BadSignature)
        ));
        assert!(matches!(signer.verify(id, Variant::Content, expires + 1, &sig), Err(FilesError::BadSignature)));
        let (old, old_sig) = parts(&signer.url(id, Variant::Content, Utc::now() - chrono::Duration::seconds(1)));
        assert!(matches!(signer.verify(id, Variant::Content, old, &old_sig), Err(FilesError::LinkExpired)));
        let far = Utc::now() + chrono::Duration::days(365);
        let (far, far_sig) = parts(&signer.url(id, Variant::Content, far));
        assert!(
            matches!(signer.verify(id, Variant::Content, far, &far_sig), Err(FilesError::BadSignature)),
            "a validly signed link expiring past the TTL is refused"
        );
        let other = LinkSigner::new(&SecretString::from("other"));
        assert!(matches!(other.verify(id, Variant::Content, expires, &sig), Err(FilesError::BadSignature)));
    }
}
