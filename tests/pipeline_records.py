"""The records the pipeline checks (tests/parquet, tests/dolma) feed to chaff and to the tool
after it: the sample crawl (corpus/) and pages in German and Japanese whose templates chaff
flags, so that every span's offsets are tried on non-ASCII text."""

import os

EXTRA_SITES = {
    "zeitung.example": (
        ["Startseite", "Politik", "Wirtschaft", "Kultur", "Über uns"],
        "© 2024 Süddeutsche Beispielzeitung — Alle Rechte vorbehalten.",
    ),
    "shinbun.example": (
        ["ホーム", "ニュース", "経済", "文化", "お問い合わせ"],
        "© 2024 例示新聞社 無断転載を禁じます。",
    ),
}


def records(corpus):
    """[{"id", "url", "site", "text"}]: the sample crawl's pages, then the others."""
    out = []
    for site in sorted(os.listdir(corpus)):
        folder = os.path.join(corpus, site)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            out.append({"id": f"{site}/{name}", "url": f"https://{site}/{name}", "site": site, "text": text})
    for site, (nav, footer) in EXTRA_SITES.items():
        for k in range(4):
            body = f"Artikel Nummer {k}: Grüße aus München, naïve café, 東京 {k} — “quoted” ✓\n" * (k + 1)
            text = "\n".join(nav) + "\n" + body + footer + "\n"
            out.append({"id": f"{site}/{k}", "url": f"https://{site}/{k}", "site": site, "text": text})
    return out
