//! The fields of a posted HTML form (`application/x-www-form-urlencoded`), each read once,
//! cut to the length its page allows.

/// A posted form's fields, in order.
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or_default()
    }

    /// The first value of `name`, at most `max` characters; empty when absent.
    pub fn text(&self, name: &str, max: usize) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.chars().take(max).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_decoded_and_cut() {
        let f = super::Fields::parse(b"email=a%40b.fr&name=Camille+Dupont&name=x");
        assert_eq!(f.text("email", 254), "a@b.fr");
        assert_eq!(f.text("name", 7), "Camille");
        assert_eq!(f.text("password", 256), "");
    }
}
