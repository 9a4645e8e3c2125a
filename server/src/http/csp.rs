//! The Content-Security-Policy of every HTML response.
//!
//! Notification content is untrusted and the pages show it; it is always rendered as text, and
//! this policy is the second line: scripts run only from our origin or with the response's
//! nonce (the hydration script), the wasm may be compiled (`'wasm-unsafe-eval'`, not
//! `'unsafe-eval'`), no inline styles, no plugins, no framing, forms and sockets only to us.
//!
//! Leptos creates one nonce per server render and puts it on its own inline scripts; [`apply`]
//! (run in the render's context) reads that nonce and sets the header to match. Any HTML
//! response that did not go through a render (there should be none) gets the same policy
//! without a nonce from [`fallback`], so it runs no inline script at all.

use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The policy; `nonce` admits the render's inline hydration script.
pub fn policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(n) => format!("script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'none'; {script}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'; object-src 'none'"
    )
}

/// Sets the policy with this render's nonce (call from the Leptos render context).
pub fn apply() {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&policy(Some(&nonce))) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// Middleware: every HTML response carries a policy (the render's, or the no-nonce one), and
/// every response says "no sniffing" and keeps URLs (which hold ids and hosts) out of referrers.
pub async fn fallback(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !headers.contains_key(CONTENT_SECURITY_POLICY) {
        if let Ok(value) = HeaderValue::from_str(&policy(None)) {
            headers.insert(CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_is_strict() {
        let p = policy(Some("abc"));
        assert!(
            p.starts_with("default-src 'none'; script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';")
        );
        assert!(!p.contains("unsafe-inline") && !p.contains("'unsafe-eval'"));
        assert!(!policy(None).contains("nonce"));
    }
}
