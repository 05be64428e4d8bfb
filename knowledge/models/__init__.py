"""Models of the knowledge app, one module per part; import them from here."""

from .magazine import MagazineArticlePage, MagazineIndexPage, MagazineIssuePage
from .pages import FooterLinks, HomePage, HomePageFeature, KnowledgeHubPage, StandardPage
from .practices import LifeDomainPage, PracticeAttachment, PracticeIndexPage, PracticePage
from .taxonomy import LifeDomain, OfferLevel, Pillar, TargetGroup, Theme
from .visits import StartPageVisit

__all__ = [
    "FooterLinks",
    "HomePage",
    "HomePageFeature",
    "KnowledgeHubPage",
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
    "StartPageVisit",
    "TargetGroup",
    "Theme",
]
