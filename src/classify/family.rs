//! Template families: the id under which the catalogue counts a classified part.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::span::Class;
use crate::text::hash::SEED;
use crate::text::template::{Template, TemplateId};

/// Words of the head line that name a template family.
pub const FAMILY_WORDS: usize = 5;

/// The id under which a classified part is catalogued: the family of its template. Parts of
/// one class whose first line (masked, lower-cased) opens with the same [`FAMILY_WORDS`] words
/// are one family, so "THIS CONTENT IS RESERVED FOR SUBSCRIBERS ONLY ⏎ …" on one site and
/// "THIS CONTENT IS RESERVED FOR SUBSCRIBERS ⏎ …" on its sister site are one row. Parts of
/// class `other`, and parts whose first line is shorter, keep their own template id.
pub fn family_id(template: &Template, class: Class) -> TemplateId {
    if class == Class::Other {
        return template.id;
    }
    let head = template.text.lines().next().unwrap_or("").to_lowercase();
    let words: Vec<&str> = head.split_whitespace().take(FAMILY_WORDS + 1).collect();
    if words.len() <= FAMILY_WORDS {
        return template.id;
    }
    let key = format!("{}\u{0}{}", class.name(), words[..FAMILY_WORDS].join(" "));
    TemplateId(xxh3_64_with_seed(key.as_bytes(), SEED ^ 0xfa_111e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::template::template_of;

    #[test]
    fn sister_sites_teasers_are_one_family() {
        let a = template_of(["THIS CONTENT IS RESERVED FOR SUBSCRIBERS ONLY", "Subscribe now"]);
        let b = template_of(["THIS CONTENT IS RESERVED FOR SUBSCRIBERS", "Enjoy the latest news."]);
        assert_ne!(a.id, b.id);
        assert_eq!(family_id(&a, Class::Paywall), family_id(&b, Class::Paywall));
        assert_ne!(family_id(&a, Class::Paywall), family_id(&a, Class::Footer));
        // Short heads and unexplained text keep their own template.
        let home = template_of(["Home", "News"]);
        assert_eq!(family_id(&home, Class::Navigation), home.id);
        assert_eq!(family_id(&a, Class::Other), a.id);
    }
}
