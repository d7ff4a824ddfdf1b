"""Library identity from the URLs listed under "Libraries Used".

GitHub, GitLab and package-registry URLs name a library exactly; any other URL
(a project's home page) still becomes a library, keyed by its address.

>>> library_from_url("https://github.com/ex-aws/ex_aws")
LibraryRef(id='github:ex-aws/ex_aws', name='ex_aws', url='https://github.com/ex-aws/ex_aws')
>>> library_from_url("https://www.npmjs.com/package/pg").id
'npm:pg'
>>> library_from_url("https://www.sqlalchemy.org/").name
'sqlalchemy'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# host -> (id prefix, regex over the path capturing the package name)
_REGISTRIES: dict[str, tuple[str, re.Pattern[str]]] = {
    "github.com": ("github", re.compile(r"^/([^/]+(?:/[^/]+)?)")),
    "gitlab.com": ("gitlab", re.compile(r"^/([^/]+(?:/[^/]+)?)")),
    "bitbucket.org": ("bitbucket", re.compile(r"^/([^/]+(?:/[^/]+)?)")),
    "npmjs.com": ("npm", re.compile(r"^/package/((?:@[^/]+/)?[^/]+)")),
    "rubygems.org": ("rubygems", re.compile(r"^/gems/([^/]+)")),
    "pypi.org": ("pypi", re.compile(r"^/project/([^/]+)")),
    "hex.pm": ("hex", re.compile(r"^/packages/([^/]+)")),
    "crates.io": ("crates", re.compile(r"^/crates/([^/]+)")),
    "packagist.org": ("packagist", re.compile(r"^/packages/([^/]+/[^/]+)")),
    "nuget.org": ("nuget", re.compile(r"^/packages/([^/]+)")),
    # The whole path but its trailing slashes; ".*[^/]" rather than a lazy ".+?", which backtracks.
    "pkg.go.dev": ("go", re.compile(r"^/(.*[^/])/*$")),
}


@dataclass(frozen=True)
class LibraryRef:
    id: str
    name: str
    url: str


# "https://host/path" with a lowercase host and no port or credentials, as listings write URLs:
# urlsplit reads the same host and path from it, several times slower.
_PLAIN_URL = re.compile(r"https?://(?P<host>[a-z0-9.-]+)(?P<path>/[^?#\t\r\n]*)?(?=[?#]|\Z)")


def _host_and_path(url: str) -> tuple[str, str]:
    """The host of a URL without a leading ``www.``, and its path, as urlsplit reads them."""
    plain = _PLAIN_URL.match(url)
    if plain:
        host, path = plain["host"], plain["path"] or ""
    else:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
    return host.removeprefix("www."), path


def library_from_url(url: str) -> LibraryRef:
    """The library a URL names; text that is not a URL is taken as the library's name."""
    url = url.strip()
    if not re.match(r"^https?://", url):
        return LibraryRef(id=f"name:{url.lower()}", name=url, url=url)
    host, path = _host_and_path(url)
    registry = _REGISTRIES.get(host)
    if registry:
        prefix, pattern = registry
        match = pattern.match(path)
        if match:
            package = match.group(1).removesuffix(".git")
            case_insensitive = prefix in ("github", "gitlab", "bitbucket", "npm", "pypi", "packagist")
            key = package.lower() if case_insensitive else package
            return LibraryRef(id=f"{prefix}:{key}", name=package.rsplit("/", 1)[-1], url=url)
    path = path.rstrip("/")
    labels = host.split(".")
    name = labels[-2] if len(labels) >= 2 else host
    return LibraryRef(id=f"web:{host}{path}".lower(), name=name, url=url)


def domain_of(url: str) -> str:
    """The host of a URL without a leading ``www.``.

    >>> domain_of("https://www.elastic.co/what-is/elk-stack")
    'elastic.co'
    """
    return _host_and_path(url)[0]
