"""A reader goes from the magazine to issue 1 and reads an article: in Chromium, axe-clean."""

from knowledge.demo_magazine import magazine_demo_ensure
from knowledge.models import MagazineArticlePage, MagazineIssuePage


def test_read_an_article_from_the_magazine(page, assert_accessible):
    magazine_demo_ensure()
    issue = MagazineIssuePage.objects.get(number=1)
    article = MagazineArticlePage.objects.live().child_of(issue).order_by("path").first()

    page.goto("/kennis/magazine/")
    assert page.locator("h1").count() == 1
    assert page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute("href") == (
        "/feeds/magazine/atom/"
    )
    assert_accessible(page)

    page.locator(f"a[href='{issue.url}']").first.click()
    page.wait_for_url(f"**{issue.url}")
    assert page.locator("h1").inner_text() == issue.title
    assert page.locator(".magazine-articles li").count() == 3
    assert_accessible(page)

    page.locator(f"a[href='{article.url}']").first.click()
    page.wait_for_url(f"**{article.url}")
    assert page.locator("h1").inner_text() == article.title
    assert page.locator("meta[property='og:type']").get_attribute("content") == "article"
    assert page.locator("blockquote, .block-quote").count() >= 1
    assert_accessible(page)
