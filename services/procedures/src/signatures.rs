//! Electronic signatures, in the spirit of 21 CFR Part 11 (§11.50 manifestation, §11.200
//! components): approving a revision (`approved`), signing off a run (`performed`) and
//! verifying it as a second person (`verified`). Each needs a sign-in younger than the
//! configured age (the token's `auth_time`: the signer typed their password again moments
//! before), and records the account, the name printed with the signature, the time, the
//! meaning and the SHA-256 of what was signed. A signature never changes (the table refuses
//! UPDATE, DELETE and TRUNCATE), and there is one of each meaning per revision or run.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use gamme_auth_token::AuthUser;
use gamme_db::schema::signatures;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ProcError, Result};

gamme_db::text_enum! {
    /// What a signature means.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Meaning {
        /// The reviewer approved the revision for use.
        Approved,
        /// The technician performed the run and signs for its results.
        Performed,
        /// A second person checked the run's results.
        Verified,
    }
}

gamme_db::text_enum! {
    /// What was signed.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Subject {
        Revision,
        Run,
    }
}

/// How recent a sign-in a signature needs (`GAMME_SIGNATURE_MAX_AGE_MINUTES`, 5 by default).
#[derive(Debug, Clone, Copy)]
pub struct SigningPolicy {
    pub max_age: Duration,
}

impl SigningPolicy {
    pub fn minutes(minutes: i64) -> Self {
        Self { max_age: Duration::minutes(minutes) }
    }

    /// 403 `reauthentication_required` unless `signer` proved their password within the age.
    pub fn check(&self, signer: &AuthUser, now: DateTime<Utc>) -> Result<()> {
        if signer.signed_in_within(self.max_age, now) {
            Ok(())
        } else {
            Err(ProcError::ReauthenticationRequired { minutes: self.max_age.num_minutes() })
        }
    }
}

/// A signature's manifestation: who signed, when, meaning what, and over what.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = signatures)]
pub struct Signature {
    #[serde(skip)]
    pub id: Uuid,
    #[serde(skip)]
    pub subject_type: Subject,
    #[serde(skip)]
    pub subject_id: Uuid,
    pub meaning: Meaning,
    /// The signer's account.
    pub signer_id: Uuid,
    /// The signer's name as printed with the signature (their display name when signing).
    pub signer_name: String,
    pub signed_at: DateTime<Utc>,
    /// When the signer last typed their password before signing.
    pub authenticated_at: DateTime<Utc>,
    /// Hex SHA-256 of what was signed, as canonical JSON (keys sorted): the revision's fields
    /// and content, or the run's results.
    pub content_hash: String,
    /// A drawn signature (sign-offs), uploaded to the files service.
    pub image_file_id: Option<Uuid>,
}

/// Hex SHA-256 of `value` as canonical JSON: object keys sorted, no spaces.
pub fn content_hash(value: &serde_json::Value) -> String {
    // serde_json's maps are ordered by key (no `preserve_order`), so this is canonical.
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    crate::hex(ring::digest::digest(&ring::digest::SHA256, &bytes).as_ref())
}

impl Signature {
    /// Records `signer`'s signature of meaning `meaning` on `subject` `subject_id`, whose
    /// content hashes to `content_hash`, once the policy accepts the signer's sign-in.
    /// 409 `already_signed` when the subject has a signature of that meaning.
    #[allow(clippy::too_many_arguments)]
    pub fn sign(
        conn: &mut PgConnection,
        policy: &SigningPolicy,
        signer: &AuthUser,
        subject: Subject,
        subject_id: Uuid,
        meaning: Meaning,
        content_hash: String,
        image_file_id: Option<Uuid>,
    ) -> Result<Signature> {
        let now = gamme_db::clock::now();
        policy.check(signer, now)?;
        let signature = Signature {
            id: Uuid::now_v7(),
            subject_type: subject,
            subject_id,
            meaning,
            signer_id: signer.id,
            signer_name: signer.display_name.clone(),
            signed_at: now,
            authenticated_at: signer.authenticated_at,
            content_hash,
            image_file_id,
        };
        let inserted = diesel::insert_into(signatures::table)
            .values(&signature)
            .on_conflict((signatures::subject_type, signatures::subject_id, signatures::meaning))
            .do_nothing()
            .execute(conn)?;
        if inserted == 0 {
            return Err(ProcError::conflict(
                "already_signed",
                format!("This already carries a `{meaning}` signature."),
            ));
        }
        Ok(signature)
    }

    /// The signatures on `subject` `id`, oldest first.
    pub fn of(conn: &mut PgConnection, subject: Subject, id: Uuid) -> QueryResult<Vec<Signature>> {
        signatures::table
            .filter(signatures::subject_type.eq(subject))
            .filter(signatures::subject_id.eq(id))
            .order(signatures::signed_at.asc())
            .select(Signature::as_select())
            .load(conn)
    }

    /// The subject's signature of meaning `meaning`, if there is one.
    pub fn find(conn: &mut PgConnection, subject: Subject, id: Uuid, meaning: Meaning) -> QueryResult<Option<Self>> {
        signatures::table
            .filter(signatures::subject_type.eq(subject))
            .filter(signatures::subject_id.eq(id))
            .filter(signatures::meaning.eq(meaning))
            .select(Signature::as_select())
            .first(conn)
            .optional()
    }
}
