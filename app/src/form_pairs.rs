//! A page form's fields as the server reads them and the outbox sends them: (name, value)
//! pairs in document order, a name repeated for each checked box or table row.

/// The first value of `name`, trimmed; empty when the form has none.
pub(crate) fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

/// Every value of `name`, trimmed, in document order.
pub(crate) fn fields(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .collect()
}
