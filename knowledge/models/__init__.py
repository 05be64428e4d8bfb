"""Models of the knowledge app, one module per part; import them from here."""

from .magazine import MagazineArticlePage, MagazineIndexPage, MagazineIssuePage
from .pages import FooterLinks, HomePage, StandardPage
from .practices import LifeDomainPage, PracticeAttachment, PracticeIndexPage, PracticePage
from .taxonomy import LifeDomain, OfferLevel, Pillar, TargetGroup, Theme

__all__ = [
    "FooterLinks",
    "HomePage",
    "LifeDomain",
    "LifeDomainPage",
    "MagazineArticlePage",
    "MagazineIndexPage",
    "MagazineIssuePage",
    "OfferLevel",
    "Pillar",
    "PracticeAttachment",
    "PracticeIndexPage",
    "PracticePage",
    "StandardPage",
    "TargetGroup",
    "Theme",
]
