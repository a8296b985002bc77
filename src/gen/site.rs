//! Sites and their pages: each site has a language, a header, navigation, a footer, a pool of
//! headlines for its "more stories" lists, and on some sites a paywall teaser (on some of
//! those with unrendered template placeholders, as magazine aggregators show them).

use super::words::{Rng, WordModel};

/// The words a site of one language uses for its template.
pub struct Lang {
    pub code: &'static str,
    sections: &'static [&'static str],
    home: &'static str,
    sign_in: &'static str,
    subscribe: &'static str,
    footer: &'static [&'static str],
    rights: &'static str,
    related: &'static [&'static str],
    read_time: &'static str,
    by: &'static str,
    months: [&'static str; 12],
    date: fn(u32, &str, u32) -> String,
    teasers: &'static [&'static [&'static str]],
    newsletter: &'static str,
}

const EN: Lang = Lang {
    code: "en",
    sections: &[
        "News",
        "Sport",
        "Business",
        "Opinion",
        "Culture",
        "Travel",
        "Science",
        "Health",
        "Weather",
        "Local",
        "World",
        "Property",
        "Motoring",
        "Food",
        "Arts",
        "Obituaries",
    ],
    home: "Home",
    sign_in: "Sign in",
    subscribe: "Subscribe",
    footer: &["About us", "Contact", "Advertise", "Privacy policy", "Terms of use", "Careers"],
    rights: "All rights reserved.",
    related: &["MORE STORIES FROM {NAME}", "Related stories", "Read next", "Most popular"],
    read_time: "{N} min read",
    by: "By",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    date: |d, m, y| format!("{m} {d}, {y}"),
    teasers: &[
        &[
            "Subscribe to continue reading.",
            "This content is reserved for subscribers.",
            "Already a subscriber? Sign in.",
        ],
        &[
            "You have reached your limit of free articles this month.",
            "Subscribe for unlimited digital access.",
            "Cancel anytime.",
        ],
        &[
            "This story is from the {{IssueName}} edition of {{MagazineName}}.",
            "Start your 7-day free trial to access thousands of curated stories.",
            "Already a subscriber? Sign in",
        ],
        &[
            "This story is from the {ISSUE} edition of {NAME}.",
            "Start your 7-day free trial to access thousands of curated stories.",
            "Already a subscriber? Sign in",
        ],
    ],
    newsletter: "Sign up for our daily newsletter",
};

const DE: Lang = Lang {
    code: "de",
    sections: &[
        "Politik",
        "Wirtschaft",
        "Sport",
        "Kultur",
        "Wissen",
        "Reise",
        "Lokales",
        "Meinung",
    ],
    home: "Startseite",
    sign_in: "Anmelden",
    subscribe: "Abo",
    footer: &["Impressum", "Datenschutz", "Kontakt", "AGB", "Mediadaten"],
    rights: "Alle Rechte vorbehalten.",
    related: &["MEHR AUS {NAME}", "Das könnte Sie auch interessieren"],
    read_time: "{N} Min. Lesezeit",
    by: "Von",
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    date: |d, m, y| format!("{d}. {m} {y}"),
    teasers: &[&[
        "Jetzt weiterlesen mit Abo",
        "Dieser Artikel ist nur für Abonnenten.",
        "Sie haben bereits ein Abo? Hier anmelden.",
    ]],
    newsletter: "Jetzt den Newsletter abonnieren",
};

const FR: Lang = Lang {
    code: "fr",
    sections: &["Actualité", "Politique", "Économie", "Sport", "Culture", "Société", "Monde"],
    home: "Accueil",
    sign_in: "Se connecter",
    subscribe: "S'abonner",
    footer: &["Mentions légales", "Contact", "Publicité", "Confidentialité", "Plan du site"],
    rights: "Tous droits réservés.",
    related: &["À LIRE AUSSI SUR {NAME}", "Sur le même sujet"],
    read_time: "{N} min de lecture",
    by: "Par",
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    date: |d, m, y| format!("{d} {m} {y}"),
    teasers: &[&[
        "Cet article est réservé aux abonnés.",
        "Abonnez-vous pour lire la suite de cet article.",
        "Déjà abonné ? Connectez-vous.",
    ]],
    newsletter: "Inscrivez-vous à notre newsletter",
};

const ES: Lang = Lang {
    code: "es",
    sections: &["Noticias", "Política", "Economía", "Deportes", "Cultura", "Opinión"],
    home: "Inicio",
    sign_in: "Iniciar sesión",
    subscribe: "Suscríbete",
    footer: &["Aviso legal", "Contacto", "Publicidad", "Privacidad", "Cookies"],
    rights: "Todos los derechos reservados.",
    related: &["MÁS NOTICIAS DE {NAME}", "Te puede interesar"],
    read_time: "{N} min de lectura",
    by: "Por",
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    date: |d, m, y| format!("{d} de {m} de {y}"),
    teasers: &[&[
        "Contenido exclusivo para suscriptores.",
        "Suscríbete para seguir leyendo.",
        "¿Ya eres suscriptor? Inicia sesión.",
    ]],
    newsletter: "Suscríbete a nuestro boletín",
};

const NL: Lang = Lang {
    code: "nl",
    sections: &["Nieuws", "Binnenland", "Buitenland", "Economie", "Sport", "Cultuur"],
    home: "Home",
    sign_in: "Inloggen",
    subscribe: "Abonneren",
    footer: &["Over ons", "Contact", "Adverteren", "Privacy", "Voorwaarden"],
    rights: "Alle rechten voorbehouden.",
    related: &["MEER VAN {NAME}", "Lees ook"],
    read_time: "{N} min leestijd",
    by: "Door",
    months: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    date: |d, m, y| format!("{d} {m} {y}"),
    teasers: &[&[
        "Dit artikel is alleen voor abonnees.",
        "Word abonnee en lees verder met onbeperkt toegang.",
        "Al abonnee? Log in om verder te lezen.",
    ]],
    newsletter: "Schrijf je in voor de nieuwsbrief",
};

/// English for most sites, a few in each other language.
fn language(rng: &mut Rng) -> &'static Lang {
    match rng.below(20) {
        0..=13 => &EN,
        14 | 15 => &DE,
        16 | 17 => &FR,
        18 => &ES,
        _ => &NL,
    }
}

const MASTHEADS: &[&str] = &[
    "Gazette",
    "Herald",
    "Courier",
    "Ledger",
    "Times",
    "Post",
    "Chronicle",
    "Review",
    "Observer",
    "Journal",
    "Quarterly",
    "Weekly",
    "Tribune",
    "Express",
    "Standard",
    "Record",
    "Farmer",
];
const TLDS: &[&str] =
    &["com", "com", "com", "co.uk", "org", "net", "de", "fr", "es", "nl", "example"];

/// Where a line stands on the page (its HTML element in WARC output).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    Header,
    Nav,
    Article,
    Teaser,
    Related,
    Footer,
}

/// One site's template.
pub struct Site {
    pub domain: String,
    pub name: String,
    pub lang: &'static Lang,
    header: Vec<String>,
    nav: Vec<String>,
    footer: Vec<String>,
    related_header: String,
    headlines: Vec<String>,
    authors: Vec<String>,
    /// The teaser lines, for sites with a paywall.
    pub teaser: Option<Vec<String>>,
    /// Share of pages behind the wall.
    paywall_share: f64,
    /// The teaser is printed twice (above and below the cut), as some sites do.
    teaser_twice: bool,
    newsletter: bool,
}

impl Site {
    pub fn new(model: &WordModel, seed: u64, index: u64) -> Site {
        let mut rng = Rng::derive(seed, 1, index);
        let lang = language(&mut rng);
        let first = model.name(&mut rng);
        let masthead = *rng.pick(MASTHEADS);
        let name = if rng.chance(0.5) {
            format!("The {first} {masthead}")
        } else {
            format!("{first} {masthead}")
        };
        let shout = rng.chance(0.3);
        let shown = if shout { name.to_uppercase() } else { name.clone() };
        let tld = match lang.code {
            "en" => *rng.pick(&TLDS[..6]),
            other => other,
        };
        let domain = format!("{}{}{index}.{tld}", first.to_lowercase(), masthead.to_lowercase());
        let mut tagline = String::new();
        let words = rng.range(4, 8);
        model.sentence(&mut rng, words, &mut tagline);
        let mut header = vec![shown.clone()];
        if rng.chance(0.7) {
            header.push(tagline);
        }
        let mut nav = vec![lang.home.to_string()];
        let mut sections: Vec<&str> = lang.sections.to_vec();
        for _ in 0..rng.range(4, sections.len().min(10)) {
            let i = rng.below(sections.len());
            nav.push(sections.swap_remove(i).to_string());
        }
        nav.push(lang.sign_in.to_string());
        nav.push(lang.subscribe.to_string());
        let year = 2023 + rng.below(2);
        let mut footer = vec![format!("© {year} {name}. {}", lang.rights)];
        let mut links: Vec<&str> = lang.footer.to_vec();
        for _ in 0..rng.range(3, links.len()) {
            let i = rng.below(links.len());
            footer.push(links.swap_remove(i).to_string());
        }
        let related_header = rng.pick(lang.related).replace("{NAME}", &shown);
        let headlines = (0..24)
            .map(|_| {
                let mut t = String::new();
                model.title(&mut rng, &mut t);
                t
            })
            .collect();
        let authors =
            (0..6).map(|_| format!("{} {}", model.name(&mut rng), model.name(&mut rng))).collect();
        let teaser = rng.chance(0.4).then(|| {
            let lines = rng.pick(lang.teasers);
            let issue = random_date(&mut rng, lang);
            lines.iter().map(|l| l.replace("{NAME}", &name).replace("{ISSUE}", &issue)).collect()
        });
        Site {
            domain,
            name,
            lang,
            header,
            nav,
            footer,
            related_header,
            headlines,
            authors,
            teaser,
            paywall_share: 0.3 + 0.5 * (rng.below(100) as f64 / 100.0),
            teaser_twice: rng.chance(0.3),
            newsletter: rng.chance(0.3),
        }
    }
}

fn random_date(rng: &mut Rng, lang: &Lang) -> String {
    let month = rng.below(12);
    (lang.date)(1 + rng.below(28) as u32, lang.months[month], 2023 + rng.below(2) as u32)
}

/// An article: what is copied between pages and sites.
#[derive(Clone, Debug)]
pub struct Article {
    pub title: String,
    pub paragraphs: Vec<String>,
}

impl Article {
    pub fn new(model: &WordModel, rng: &mut Rng) -> Article {
        let mut title = String::new();
        model.title(rng, &mut title);
        let paragraphs = (0..rng.range(3, 12))
            .map(|_| {
                let mut p = String::new();
                for s in 0..rng.range(2, 5) {
                    if s > 0 {
                        p.push(' ');
                    }
                    let n = rng.range(6, 24);
                    model.sentence(rng, n, &mut p);
                }
                p
            })
            .collect();
        Article { title, paragraphs }
    }

    /// The same article with one sentence rewritten (a near duplicate).
    pub fn edited(&self, model: &WordModel, rng: &mut Rng) -> Article {
        let mut copy = self.clone();
        let i = rng.below(copy.paragraphs.len());
        let mut sentence = String::new();
        let words = rng.range(6, 16);
        model.sentence(rng, words, &mut sentence);
        let p = &mut copy.paragraphs[i];
        match p.find(". ") {
            Some(end) => p.replace_range(..end + 1, &sentence),
            None => *p = sentence,
        }
        copy
    }
}

/// A page: lines of text, each with its region.
#[derive(Default, Debug, Clone)]
pub struct Page {
    pub text: String,
    pub lines: Vec<(Region, usize, usize)>,
    /// Whether a paywall teaser stands on it.
    pub teaser: bool,
}

impl Page {
    fn push(&mut self, region: Region, line: &str) {
        let start = self.text.len();
        self.text.push_str(line);
        self.lines.push((region, start, self.text.len()));
        self.text.push('\n');
    }

    pub fn line(&self, i: usize) -> (Region, &str) {
        let (region, start, end) = self.lines[i];
        (region, &self.text[start..end])
    }
}

/// Lays out `article` in `site`'s template.
pub fn render(site: &Site, article: &Article, rng: &mut Rng) -> Page {
    let mut page = Page::default();
    for l in &site.header {
        page.push(Region::Header, l);
    }
    for l in &site.nav {
        page.push(Region::Nav, l);
    }
    let related_twice = rng.chance(0.1);
    let related = related_block(site, rng);
    if related_twice {
        for l in &related {
            page.push(Region::Related, l);
        }
    }
    page.push(Region::Article, &article.title);
    let minutes = (article.paragraphs.len() / 2).max(1);
    let byline = format!(
        "{} {} | {} | {}",
        site.lang.by,
        rng.pick(&site.authors),
        site.lang.read_time.replace("{N}", &minutes.to_string()),
        random_date(rng, site.lang)
    );
    page.push(Region::Article, &byline);
    let walled = site.teaser.is_some() && rng.chance(site.paywall_share);
    let cut = if walled { rng.range(1, 3).min(article.paragraphs.len()) } else { usize::MAX };
    for (i, p) in article.paragraphs.iter().enumerate() {
        if i == cut {
            push_teaser(site, &mut page);
            // Half the walled pages stop at the wall; the others were crawled whole.
            if rng.chance(0.5) {
                break;
            }
        }
        page.push(Region::Article, p);
    }
    if walled && site.teaser_twice {
        push_teaser(site, &mut page);
    }
    if site.newsletter {
        page.push(Region::Related, site.lang.newsletter);
    }
    for l in &related {
        page.push(Region::Related, l);
    }
    for l in &site.footer {
        page.push(Region::Footer, l);
    }
    page
}

fn push_teaser(site: &Site, page: &mut Page) {
    if let Some(teaser) = &site.teaser {
        for l in teaser {
            page.push(Region::Teaser, l);
        }
        page.teaser = true;
    }
}

/// "MORE STORIES FROM …", then headlines with read times and dates.
fn related_block(site: &Site, rng: &mut Rng) -> Vec<String> {
    let mut out = vec![site.related_header.clone()];
    for _ in 0..rng.range(3, 5) {
        out.push(rng.pick(&site.headlines).clone());
        let minutes = rng.range(2, 12).to_string();
        out.push(format!(
            "{} | {}",
            site.lang.read_time.replace("{N}", &minutes),
            random_date(rng, site.lang)
        ));
    }
    out
}
