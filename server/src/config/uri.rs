//! The pieces of the URIs built from configuration values (the AMQP URI of a deployment, the
//! database URL from v2's variables): user names, passwords, vhosts and database names may hold
//! any character, so they are percent-encoded, and IPv6 hosts get brackets.

/// Percent-encodes everything but RFC 3986 unreserved characters, with lowercase hex
/// (`/` → `%2f`, as RabbitMQ's documentation writes the default vhost).
pub(super) fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(s.len());
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// A host for a URI authority: IPv6 literals get brackets.
pub(super) fn uri_host(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}
