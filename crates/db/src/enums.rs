//! Status, kind, role and level columns: `TEXT` with a `CHECK` constraint in SQL, a Rust enum in
//! code, and no hand-written string pairs in between.
//!
//! Why not Postgres enum types: a view, a partial index or a `CHECK` over the column would have
//! to be rebuilt to change one, every raw comparison with a text parameter would need a cast,
//! and a value added with `ALTER TYPE … ADD VALUE` cannot be used in the transaction that adds
//! it. A text column with a `CHECK` has none of these troubles and reads the same in `psql`.
//!
//! How a service uses it: wrap the enum in [`text_enum!`](crate::text_enum). The variants'
//! names in `snake_case` are the column's values (list the same ones in the `CHECK`):
//!
//! ```
//! gamme_db::text_enum! {
//!     /// Where a run stands.
//!     #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
//!     #[serde(rename_all = "snake_case")]
//!     pub enum RunStatus {
//!         InProgress,
//!         Completed,
//!     }
//! }
//!
//! assert_eq!(RunStatus::InProgress.to_string(), "in_progress");
//! assert_eq!("completed".parse::<RunStatus>().ok(), Some(RunStatus::Completed));
//! let text: &'static str = RunStatus::Completed.into();
//! assert_eq!(text, "completed");
//! ```
//!
//! The enum then is a Diesel `Text` column type: a model field `pub status: RunStatus` loads
//! with `Queryable`/`Selectable`, inserts and updates with `Insertable`/`AsChangeset`, and
//! filters with `runs::status.eq(RunStatus::Completed)`. A value in the database that is not a
//! variant is a deserialization error naming the enum, never a silent default. `serde` is
//! derived apart (with the same `rename_all`) because not every column enum is sent as JSON.
//!
//! What the macro gives (Rust's orphan rule forbids one blanket impl for every enum):
//! strum's `EnumString` (`FromStr`), `IntoStaticStr` (`&'static str: From<&Enum>`),
//! `AsRefStr`, `Display` and `VariantArray` (`Enum::VARIANTS`), and Diesel's `AsExpression`,
//! `FromSqlRow`, `ToSql<Text, Pg>` and `FromSql<Text, Pg>`.

/// Declares a column enum stored as `TEXT`; see the [module documentation](crate::enums).
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            ::diesel::AsExpression,
            ::diesel::FromSqlRow,
            $crate::strum::EnumString,
            $crate::strum::IntoStaticStr,
            $crate::strum::AsRefStr,
            $crate::strum::Display,
            $crate::strum::VariantArray
        )]
        #[diesel(sql_type = ::diesel::sql_types::Text)]
        #[strum(serialize_all = "snake_case", crate = "gamme_db::strum")]
        $vis enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl ::diesel::serialize::ToSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, ::diesel::pg::Pg>,
            ) -> ::diesel::serialize::Result {
                use ::std::io::Write as _;
                out.write_all(<&'static str>::from(self).as_bytes())?;
                ::std::result::Result::Ok(::diesel::serialize::IsNull::No)
            }
        }

        impl ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $name {
            fn from_sql(value: ::diesel::pg::PgValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let text = ::std::str::from_utf8(value.as_bytes())?;
                text.parse().map_err(|_| {
                    ::std::format!("`{text}` is not a {} value", ::std::stringify!($name)).into()
                })
            }
        }
    };
}
