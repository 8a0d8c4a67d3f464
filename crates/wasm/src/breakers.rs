//! Circuit breakers with explicit times.

use crate::convert::*;
use liberation_gates as core;
use wasm_bindgen::prelude::*;

include!("../../node/src/surface/breakers.rs");
breakers!(
    wasm_bindgen,
    unchecked_param_type,
    unchecked_optional_param_type,
    unchecked_return_type
);

/// A breaker config from a JS object, read strictly (an unknown key is refused by name).
fn breaker_config(config: Option<Obj<'_>>) -> Result<core::breaker::BreakerConfig> {
    let input: core::breaker::BreakerConfigInput = match config.filter(opt) {
        Some(c) => obj_as(c, core::error::BreakerError::InvalidConfig)?,
        None => Default::default(),
    };
    core::breaker::BreakerConfig::try_from(input).map_err(err)
}

/// Last good answers per key with their creator attribution, served while a dependency is
/// down; bounded (`capacity`, oldest evicted first) and expiring (`ttlSeconds`). Times are
/// seconds, by default `Date.now() / 1000`.
#[wasm_bindgen]
pub struct FallbackCache {
    inner: core::fallback::FallbackCache<JsValue>,
}

fn now(t: Option<f64>) -> f64 {
    t.unwrap_or_else(|| js_sys::Date::now() / 1000.0)
}

fn served(s: core::fallback::Served<JsValue>) -> Result<JsValue> {
    let out = out(&core::fallback::Served {
        value: (),
        attribution: s.attribution,
        from_cache: s.from_cache,
        age_seconds: s.age_seconds,
    })?;
    js_sys::Reflect::set(&out, &"value".into(), &s.value).map_err(|_| arg("served"))?;
    Ok(out)
}

#[wasm_bindgen]
impl FallbackCache {
    /// A cache of `capacity` entries (default 1024) kept `ttlSeconds` (default 3600).
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: Option<f64>, ttl_seconds: Option<f64>) -> Result<FallbackCache> {
        core::fallback::FallbackCache::with_numbers_caller_timed(capacity, ttl_seconds)
            .map(|inner| FallbackCache { inner })
            .map_err(err)
    }
    /// Stores a good answer for `key` with its attribution `{creators, revenue, note}`.
    pub fn store(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Attribution | null | undefined")]
        attribution: JsValue,
        t: Option<f64>,
    ) -> Result<()> {
        let a: core::fallback::Attribution = match opt(&attribution) {
            true => from_js(attribution, "attribution")?,
            false => Default::default(),
        };
        self.inner.store_at(&text(&key, "key")?, value, a, now(t));
        Ok(())
    }
    /// The last good answer for `key` within the TTL: `{value, attribution, from_cache,
    /// age_seconds}`, or undefined.
    #[wasm_bindgen(unchecked_return_type = "Served | undefined")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        t: Option<f64>,
    ) -> Result<JsValue> {
        match self.inner.get_at(&text(&key, "key")?, now(t)) {
            Some(s) => served(s),
            None => Ok(JsValue::UNDEFINED),
        }
    }
    /// Entries held.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }
}
