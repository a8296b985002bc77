//! The site of a page: the grouping key of per-site counts.

/// The host of a URL, lower-cased, without scheme, user, port, path, query or fragment.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map(|h| &h[1..])?
    } else {
        host_port.split(':').next()?
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// The registrable domain of a URL ("news.bbc.co.uk" → "bbc.co.uk"), by the public suffix
/// list; the bare host when it has none (an IP address, "localhost").
pub fn registrable_domain(url: &str) -> Option<String> {
    let host = host_of(url)?;
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Some(host);
    }
    match psl::domain_str(&host) {
        Some(d) => Some(d.to_string()),
        None => Some(host),
    }
}

/// The site of a text file: the first folder under the argument it was found in.
pub fn site_of_relative_path(relative: &str) -> String {
    match relative.split_once('/') {
        Some((first, _)) => first.to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        let cases = [
            ("https://www.bbc.co.uk/news/x", Some("bbc.co.uk")),
            ("http://blogs.wsj.com/brussels?x=1", Some("wsj.com")),
            ("https://user@Example.COM:8080/a", Some("example.com")),
            ("example.org/page", Some("example.org")),
            ("http://127.0.0.1/x", Some("127.0.0.1")),
            ("", None),
        ];
        for (url, want) in cases {
            assert_eq!(registrable_domain(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn site_of_text_files() {
        assert_eq!(site_of_relative_path("metroledger.example/a.txt"), "metroledger.example");
        assert_eq!(site_of_relative_path("a.txt"), "");
    }
}
