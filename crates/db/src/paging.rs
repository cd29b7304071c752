//! The one way Gamme pages a list: keyset pagination behind an opaque cursor.
//!
//! A list endpoint takes `cursor` and `limit` and answers `{ "items": […], "next_cursor": … }`
//! (`next_cursor` absent on the last page). The cursor is base64url (no padding) of a small
//! JSON keyset: the sort columns of the last item shown, which the next query starts after. It
//! is opaque to callers (a string in the OpenAPI documents), so an endpoint may change what it
//! keeps in it.
//!
//! ```
//! use gamme_db::paging::{PageSize, Pager};
//!
//! // Each endpoint keeps its own default and maximum.
//! const RUNS: PageSize = PageSize::new(50, 200);
//!
//! // The handler: the caller's `limit` and `cursor`, checked (a 400 when they are wrong).
//! let pager: Pager<(i64, String)> = Pager::new(RUNS, Some(2), None).unwrap();
//! assert_eq!(pager.after, None);
//! // The query: `WHERE (sort keys) < after … LIMIT pager.fetch()`, one row more than a page.
//! let rows = vec![(3, "c".to_owned()), (2, "b".to_owned()), (1, "a".to_owned())];
//! let page = pager.page(rows, |row| row.clone());
//! assert_eq!(page.items.len(), 2);
//! // The next request starts after the last row shown.
//! let next: Pager<(i64, String)> = Pager::new(RUNS, Some(2), page.next_cursor.as_deref()).unwrap();
//! assert_eq!(next.after, Some((2, "b".to_owned())));
//! ```

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{de::DeserializeOwned, Serialize};

/// The caller's paging parameters were not usable; a 400 with this message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("`limit` must be between 1 and {max}.")]
    Limit { max: i64 },
    #[error("The cursor is not valid: start again from the first page.")]
    Cursor,
}

/// How many items an endpoint's page holds: `default` when the caller says nothing, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    pub default: i64,
    pub max: i64,
}

impl PageSize {
    pub const fn new(default: i64, max: i64) -> Self {
        Self { default, max }
    }

    /// The caller's `limit`, or the default; outside `1..=max` it is refused, not clamped, so a
    /// caller asking for more than it can have hears so.
    pub fn limit(self, asked: Option<i64>) -> Result<i64, PageError> {
        let limit = asked.unwrap_or(self.default);
        if (1..=self.max).contains(&limit) {
            Ok(limit)
        } else {
            Err(PageError::Limit { max: self.max })
        }
    }
}

/// Encodes a keyset as a cursor.
pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    // A keyset of plain values always serialises.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

/// Reads a cursor this service handed out; anything else is [`PageError::Cursor`].
pub fn decode_cursor<K: DeserializeOwned>(cursor: &str) -> Result<K, PageError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| PageError::Cursor)?;
    serde_json::from_slice(&bytes).map_err(|_| PageError::Cursor)
}

/// One page of a list, before the endpoint puts it in its own answer type.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// A checked page request: how many items, and the keyset to start after.
#[derive(Debug, Clone, PartialEq)]
pub struct Pager<K> {
    pub limit: i64,
    /// The sort keys of the last item of the previous page; `None` for the first page.
    pub after: Option<K>,
}

impl<K: Serialize + DeserializeOwned> Pager<K> {
    /// `limit` and `cursor` as the caller gave them; an empty cursor is the first page.
    pub fn new(size: PageSize, limit: Option<i64>, cursor: Option<&str>) -> Result<Self, PageError> {
        let limit = size.limit(limit)?;
        let after = cursor.filter(|c| !c.trim().is_empty()).map(decode_cursor).transpose()?;
        Ok(Self { limit, after })
    }

    /// How many rows the query fetches: one more than a page, to know whether another follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Cuts `rows` (fetched with [`fetch`](Self::fetch), in the list's order) to the page; the
    /// next cursor holds `key` of the page's last row when more rows follow.
    pub fn page<T>(&self, mut rows: Vec<T>, key: impl Fn(&T) -> K) -> Page<T> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if more { rows.last().map(|last| encode_cursor(&key(last))) } else { None };
        Page { items: rows, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: PageSize = PageSize::new(20, 100);

    #[test]
    fn limit_defaults_and_is_refused_outside_its_range() {
        assert_eq!(SIZE.limit(None), Ok(20));
        assert_eq!(SIZE.limit(Some(100)), Ok(100));
        assert_eq!(SIZE.limit(Some(0)), Err(PageError::Limit { max: 100 }));
        assert_eq!(SIZE.limit(Some(101)).unwrap_err().to_string(), "`limit` must be between 1 and 100.");
    }

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let key = (chrono::DateTime::<chrono::Utc>::UNIX_EPOCH, uuid::Uuid::nil());
        let cursor = encode_cursor(&key);
        assert!(cursor.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode_cursor::<(chrono::DateTime<chrono::Utc>, uuid::Uuid)>(&cursor), Ok(key));
        assert_eq!(decode_cursor::<i64>("garbage"), Err(PageError::Cursor));
        assert_eq!(decode_cursor::<i64>(&encode_cursor(&"text")), Err(PageError::Cursor));
    }

    #[test]
    fn the_last_page_has_no_next_cursor() {
        let pager: Pager<i64> = Pager::new(PageSize::new(2, 10), None, Some("")).unwrap();
        assert_eq!(pager.fetch(), 3);
        assert_eq!(pager.page(vec![5, 4], |n| *n), Page { items: vec![5, 4], next_cursor: None });
        let page = pager.page(vec![5, 4, 3], |n| *n);
        assert_eq!(page.items, vec![5, 4]);
        assert_eq!(Pager::<i64>::new(PageSize::new(2, 10), None, page.next_cursor.as_deref()).unwrap().after, Some(4));
    }
}
