//! The JSON body extractor of every route: [`web::Json`]'s limits, content type and
//! problem+json errors (see [`crate::problem::json_config`]), and numbers read as JSON Schema
//! reads them: `2.0` is the integer 2, as a client's JSON library may well write it.

use std::ops::{Deref, DerefMut};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

use crate::Problem;

/// A request body of type `T`, read from JSON. A body that does not fit `T` (an array where an
/// object is expected, a string for a number, a fraction for an integer) is a 400 `invalid_body`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let mut value = value.await?.into_inner();
            whole_numbers_as_integers(&mut value);
            serde_json::from_value(value).map(Json).map_err(|e| {
                Problem::bad_request("invalid_body", format!("The JSON body could not be read: {e}.")).into()
            })
        })
    }
}

/// `2.0` becomes `2` wherever it stands; other numbers stay as they are.
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            let Some(f) = n.as_f64() else { return };
            // Within ±2^53 an f64 holds every integer exactly; beyond, `1e300` is no count of anything.
            const EXACT: f64 = 9_007_199_254_740_992.0;
            if f.fract() == 0.0 && f.abs() <= EXACT {
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *n = Number::from(whole);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_read_as_integers_and_fractions_stay() {
        let mut value = serde_json::json!({ "count": 2.0, "ratio": 2.5, "list": [3.0, -1.0], "big": 1e300 });
        whole_numbers_as_integers(&mut value);
        assert_eq!(value["count"], serde_json::json!(2));
        assert_eq!(value["ratio"], serde_json::json!(2.5));
        assert_eq!(value["list"], serde_json::json!([3, -1]));
        assert!(value["big"].is_f64());
        #[derive(serde::Deserialize)]
        struct Count {
            count: i32,
        }
        assert_eq!(serde_json::from_value::<Count>(value).unwrap().count, 2);
    }
}
