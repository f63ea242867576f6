"""Scoping of issues, articles, photos, exhibitions and works in the admin.

Branch-owned issues belong to a branch; association-owned ones (branch empty) are seen by
association staff only. Officers edit their branch's drafts, never publish, and see
nothing of another branch.
"""

import pytest
from django.urls import reverse

from publications.models import Article, ArticlePhoto, Exhibition, NewsletterIssue, Work
from publications.services import SYSTEM, issue_submit
from tests import factories as f

pytestmark = pytest.mark.django_db
Status = NewsletterIssue.Status


@pytest.fixture
def rows(xihu, binjiang, xihu_member, binjiang_member):
    """One of each model for 西湖区, 滨江区 and the association."""
    made = {}
    for key, branch, member in (
        ("xihu", xihu, xihu_member),
        ("binjiang", binjiang, binjiang_member),
        ("assoc", None, None),
    ):
        issue = f.NewsletterIssueFactory(branch=branch, title=f"{key}期刊")
        article = f.ArticleFactory(issue=issue, title=f"{key}文章")
        photo = f.ArticlePhotoFactory(article=article, caption=f"{key}照片")
        exhibition = f.ExhibitionFactory(branch=branch, title=f"{key}展览")
        work = f.WorkFactory(
            exhibition=exhibition, title=f"{key}作品", artist=member, guest_artist="" if member else "特邀"
        )
        made[key] = {
            "issue": issue,
            "article": article,
            "photo": photo,
            "exhibition": exhibition,
            "work": work,
        }
    return made


MODELS = {
    "issue": NewsletterIssue,
    "article": Article,
    "photo": ArticlePhoto,
    "exhibition": Exhibition,
    "work": Work,
}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", {"xihu", "binjiang", "assoc"}),
        ("xihu", {"xihu"}),
        ("binjiang", {"binjiang"}),
        ("nobranch", set()),
        ("member", set()),
    ],
)
def test_visible_to_role_matrix(
    rows, staff_user, xihu_officer, binjiang_officer, xihu_member, role, expected
):
    users = {
        "staff": staff_user,
        "xihu": xihu_officer,
        "binjiang": binjiang_officer,
        "nobranch": f.officer(None, username="nobranch"),
        "member": f.member_user(xihu_member),
    }
    for key, model in MODELS.items():
        pks = set(model.objects.visible_to(users[role]).values_list("pk", flat=True))
        assert pks == {rows[k][key].pk for k in expected}, key


ADMIN = {
    "issue": "publications_newsletterissue",
    "article": "publications_article",
    "exhibition": "publications_exhibition",
    "work": "publications_work",
}


@pytest.mark.parametrize("key", list(ADMIN))
def test_officer_changelist_shows_only_own_branch(client, rows, xihu_officer, key):
    client.force_login(xihu_officer)
    html = client.get(reverse(f"admin:{ADMIN[key]}_changelist")).content.decode()
    title = {"issue": "期刊", "article": "文章", "exhibition": "展览", "work": "作品"}[key]
    assert f"xihu{title}" in html or key == "issue"
    assert f"binjiang{title}" not in html and f"assoc{title}" not in html


def test_officer_issue_changelist_hides_association_issues(client, rows, xihu_officer):
    client.force_login(xihu_officer)
    html = client.get(reverse("admin:publications_newsletterissue_changelist")).content.decode()
    assert "xihu期刊" in html and "binjiang期刊" not in html and "assoc期刊" not in html


@pytest.mark.parametrize("key", list(ADMIN))
@pytest.mark.parametrize("other", ["binjiang", "assoc"])
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_officer_cannot_open_other_rows_like_missing_ones(client, rows, xihu_officer, key, other, view):
    client.force_login(xihu_officer)
    hidden = client.get(reverse(f"admin:{ADMIN[key]}_{view}", args=[rows[other][key].pk]))
    missing = client.get(reverse(f"admin:{ADMIN[key]}_{view}", args=[999999]))
    assert hidden.status_code == missing.status_code
    assert hidden.status_code in (302, 404)


def test_officer_cannot_open_another_branch_historical_record(client, rows, xihu_officer):
    issue = rows["binjiang"]["issue"]
    record = issue.history.first()
    client.force_login(xihu_officer)
    url = reverse("admin:publications_newsletterissue_simple_history", args=[issue.pk, record.history_id])
    response = client.get(url)
    assert response.status_code in (302, 403, 404)
    assert "binjiang期刊" not in response.content.decode()


def test_officer_post_to_another_branch_issue_changes_nothing(client, rows, xihu_officer):
    issue = rows["binjiang"]["issue"]
    client.force_login(xihu_officer)
    client.post(
        reverse("admin:publications_newsletterissue_change", args=[issue.pk]),
        {"number": 77, "month": "2021-01-01", "title": "被改了"},
    )
    issue.refresh_from_db()
    assert issue.title == "binjiang期刊"


def test_officer_new_issue_is_forced_into_own_branch(client, xihu, binjiang, xihu_officer):
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:publications_newsletterissue_add"),
        {"number": 31, "month": "2021-11-01", "title": "西湖专刊", "branch": binjiang.pk,
         "articles-TOTAL_FORMS": "0", "articles-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    assert NewsletterIssue.objects.get(number=31).branch == xihu


def test_staff_new_issue_without_branch_is_the_association_s(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:publications_newsletterissue_add"),
        {"number": 32, "month": "2021-12-05", "title": "", "branch": "",
         "articles-TOTAL_FORMS": "0", "articles-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    issue = NewsletterIssue.objects.get(number=32)
    assert issue.branch is None and issue.status == Status.DRAFT
    assert str(issue.month) == "2021-12-01"


def test_status_cannot_be_posted_in_the_form(client, staff_user):
    client.force_login(staff_user)
    client.post(
        reverse("admin:publications_newsletterissue_add"),
        {"number": 33, "month": "2021-12-01", "status": "published",
         "articles-TOTAL_FORMS": "0", "articles-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert NewsletterIssue.objects.get(number=33).status == Status.DRAFT


def test_officer_article_issue_choices_are_own_branch_drafts(client, rows, xihu, xihu_officer):
    in_review = f.NewsletterIssueFactory(branch=xihu, title="审核中")
    f.ArticleFactory(issue=in_review)
    issue_submit(issue=in_review, actor=SYSTEM)
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:publications_article_add"))
    choices = {c.pk for c in response.context["adminform"].form.fields["issue"].queryset}
    assert choices == {rows["xihu"]["issue"].pk}


def test_officer_cannot_post_an_article_into_another_branch_issue(client, rows, xihu_officer):
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:publications_article_add"),
        {"issue": rows["binjiang"]["issue"].pk, "position": 0, "title": "越权投稿", "category": "story",
         "body": "x", "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Article.objects.filter(title="越权投稿").exists()


def test_officer_member_choices_are_own_branch(client, rows, xihu_officer, xihu_member, binjiang_member):
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:publications_article_add"))
    members = set(response.context["adminform"].form.fields["featured_members"].queryset)
    assert members == {xihu_member}


def test_officer_cannot_feature_another_branch_member(client, rows, xihu_officer, binjiang_member):
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:publications_article_add"),
        {"issue": rows["xihu"]["issue"].pk, "position": 0, "title": "越权关联", "category": "story",
         "body": "x", "featured_members": [binjiang_member.pk],
         "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Article.objects.filter(title="越权关联").exists()


def test_officer_work_artist_choices_are_own_branch(client, rows, xihu_officer, xihu_member):
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:publications_work_add"))
    form = response.context["adminform"].form
    assert set(form.fields["artist"].queryset) == {xihu_member}
    assert set(form.fields["exhibition"].queryset) == {rows["xihu"]["exhibition"]}


def test_officer_article_photo_inline_shows_only_own_rows(client, rows, xihu_officer):
    client.force_login(xihu_officer)
    html = client.get(
        reverse("admin:publications_article_change", args=[rows["xihu"]["article"].pk])
    ).content.decode()
    assert "xihu照片" in html and "binjiang照片" not in html


def test_officer_without_branch_sees_no_rows(client, rows):
    client.force_login(f.officer(None, username="nobranch"))
    for name in ADMIN.values():
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0


def test_related_filters_offer_only_visible_rows(client, rows, xihu_officer):
    client.force_login(xihu_officer)
    html = client.get(reverse("admin:publications_article_changelist")).content.decode()
    assert "binjiang期刊" not in html


def test_search_in_changelist_never_finds_other_branches(client, rows, xihu_officer):
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:publications_article_changelist"), {"q": "文章"})
    assert {a.title for a in response.context["cl"].result_list} == {"xihu文章"}


# ---------------------------------------------------------------------------------------
# the workflow in the admin
# ---------------------------------------------------------------------------------------


def _action(client, action, issue):
    return client.post(
        reverse("admin:publications_newsletterissue_changelist"),
        {"action": action, "_selected_action": [issue.pk]},
        follow=True,
    )


def test_officer_submits_through_the_admin_action(client, rows, xihu_officer):
    client.force_login(xihu_officer)
    _action(client, "submit_for_review", rows["xihu"]["issue"])
    rows["xihu"]["issue"].refresh_from_db()
    assert rows["xihu"]["issue"].status == Status.REVIEW


def test_officer_has_no_publish_action(client, rows, xihu_officer):
    issue = rows["xihu"]["issue"]
    issue_submit(issue=issue, actor=SYSTEM)
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:publications_newsletterissue_changelist"))
    actions = [value for value, _ in response.context["action_form"].fields["action"].choices]
    assert "publish" not in actions and "submit_for_review" in actions
    _action(client, "publish", issue)
    issue.refresh_from_db()
    assert issue.status == Status.REVIEW


def test_staff_publish_through_the_admin_action(client, rows, staff_user):
    issue = rows["xihu"]["issue"]
    issue_submit(issue=issue, actor=SYSTEM)
    client.force_login(staff_user)
    response = _action(client, "publish", issue)
    issue.refresh_from_db()
    assert issue.status == Status.PUBLISHED
    assert "1期已发布" in response.content.decode()


def test_admin_action_shows_a_domain_error_as_a_message(client, staff_user):
    issue = f.NewsletterIssueFactory()
    client.force_login(staff_user)
    response = _action(client, "publish", issue)
    assert "不能改为“已发布”" in response.content.decode()


def test_officer_action_with_another_branch_id_touches_nothing(client, rows, xihu_officer):
    client.force_login(xihu_officer)
    _action(client, "submit_for_review", rows["binjiang"]["issue"])
    rows["binjiang"]["issue"].refresh_from_db()
    assert rows["binjiang"]["issue"].status == Status.DRAFT


def test_officer_cannot_edit_an_issue_under_review(client, rows, xihu_officer):
    issue = rows["xihu"]["issue"]
    issue_submit(issue=issue, actor=SYSTEM)
    client.force_login(xihu_officer)
    client.post(
        reverse("admin:publications_newsletterissue_change", args=[issue.pk]),
        {"number": issue.number, "month": "2021-01-01", "title": "审核中改标题",
         "articles-TOTAL_FORMS": "1", "articles-INITIAL_FORMS": "1"},
    )  # fmt: skip
    issue.refresh_from_db()
    assert issue.title == "xihu期刊"


def test_officer_cannot_edit_an_article_of_an_issue_under_review(client, rows, xihu_officer):
    article = rows["xihu"]["article"]
    issue_submit(issue=article.issue, actor=SYSTEM)
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:publications_article_change", args=[article.pk]))
    assert response.status_code == 200  # read-only view
    assert response.context["has_change_permission"] is False
    client.post(
        reverse("admin:publications_article_change", args=[article.pk]),
        {"issue": article.issue.pk, "position": 0, "title": "偷偷改", "category": "story", "body": "x",
         "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"},
    )  # fmt: skip
    article.refresh_from_db()
    assert article.title == "xihu文章"


def test_staff_may_correct_a_published_article(client, rows, staff_user):
    from publications.services import issue_publish

    article = rows["xihu"]["article"]
    issue_submit(issue=article.issue, actor=SYSTEM)
    issue_publish(issue=article.issue, actor=SYSTEM)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:publications_article_change", args=[article.pk]),
        {"issue": article.issue.pk, "position": 0, "title": "更正后的标题", "category": "story",
         "body": "<p>x</p>", "photos-TOTAL_FORMS": "1", "photos-INITIAL_FORMS": "1",
         "photos-0-id": rows["xihu"]["photo"].pk, "photos-0-article": article.pk,
         "photos-0-caption": "xihu照片", "photos-0-position": 0},
    )  # fmt: skip
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "更正后的标题"


def test_staff_see_every_issue_with_its_owner(client, rows, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:publications_newsletterissue_changelist"))
    assert response.context["cl"].result_count == 3
    html = response.content.decode()
    assert "西湖区" in html and "滨江区" in html and "协会" in html


# ---------------------------------------------------------------------------------------
# workflow buttons on the change page
# ---------------------------------------------------------------------------------------


def _steps(client, issue):
    response = client.get(reverse("admin:publications_newsletterissue_change", args=[issue.pk]))
    return [step for step, _ in response.context["workflow_steps"]]


def _press(client, issue, step, **data):
    url = reverse("admin:publications_newsletterissue_workflow", args=[issue.pk, step])
    return client.post(url, data)


def test_change_page_offers_the_steps_of_each_role(client, rows, xihu_officer, staff_user):
    issue = rows["xihu"]["issue"]
    client.force_login(xihu_officer)
    assert _steps(client, issue) == ["submit"]
    html = client.get(reverse("admin:publications_newsletterissue_change", args=[issue.pk])).content.decode()
    assert f'action="/admin/publications/newsletterissue/{issue.pk}/workflow/submit/"' in html
    issue_submit(issue=issue, actor=SYSTEM)
    assert _steps(client, issue) == []
    client.force_login(staff_user)
    assert _steps(client, issue) == ["publish", "return"]


def test_staff_publish_with_the_button(client, rows, staff_user):
    issue = rows["assoc"]["issue"]
    client.force_login(staff_user)
    assert _press(client, issue, "submit").status_code == 302
    assert _press(client, issue, "publish").status_code == 302
    issue.refresh_from_db()
    assert issue.status == Status.PUBLISHED


def test_staff_return_with_a_note_from_the_button(client, rows, staff_user):
    issue = rows["xihu"]["issue"]
    issue_submit(issue=issue, actor=SYSTEM)
    client.force_login(staff_user)
    _press(client, issue, "return", note="标题太长")
    issue.refresh_from_db()
    assert (issue.status, issue.review_note) == (Status.DRAFT, "标题太长")


def test_officer_pressing_publish_changes_nothing(client, rows, xihu_officer):
    issue = rows["xihu"]["issue"]
    issue_submit(issue=issue, actor=SYSTEM)
    client.force_login(xihu_officer)
    _press(client, issue, "publish")
    issue.refresh_from_db()
    assert issue.status == Status.REVIEW


def test_workflow_url_of_another_branch_is_404(client, rows, xihu_officer):
    client.force_login(xihu_officer)
    assert _press(client, rows["binjiang"]["issue"], "submit").status_code == 404
    assert _press(client, rows["assoc"]["issue"], "submit").status_code == 404
    rows["binjiang"]["issue"].refresh_from_db()
    assert rows["binjiang"]["issue"].status == Status.DRAFT


def test_workflow_url_refuses_get(client, rows, staff_user):
    client.force_login(staff_user)
    url = reverse("admin:publications_newsletterissue_workflow", args=[rows["xihu"]["issue"].pk, "submit"])
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("term", ["20", "xihu期刊", "匠心 20"])
def test_issue_search_accepts_numbers_and_words(client, rows, staff_user, term):
    client.force_login(staff_user)
    assert (
        client.get(reverse("admin:publications_newsletterissue_changelist"), {"q": term}).status_code == 200
    )


def test_cover_upload_is_checked_by_content(client, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    response = client.post(
        reverse("admin:publications_newsletterissue_add"),
        {"number": 40, "month": "2021-11-01", "cover": SimpleUploadedFile("cover.jpg", b"MZ\x90\x00 evil"),
         "articles-TOTAL_FORMS": "0", "articles-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover"]
    assert not NewsletterIssue.objects.filter(number=40).exists()


def test_article_photo_upload_is_checked_by_content(client, rows, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    article = rows["assoc"]["article"]
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:publications_article_change", args=[article.pk]),
        {"issue": article.issue.pk, "position": 0, "title": article.title, "category": "story", "body": "<p>x</p>",
         "photos-TOTAL_FORMS": "2", "photos-INITIAL_FORMS": "1",
         "photos-0-id": rows["assoc"]["photo"].pk, "photos-0-article": article.pk, "photos-0-caption": "", "photos-0-position": 0,
         "photos-1-article": article.pk, "photos-1-image": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n broken"),
         "photos-1-caption": "坏图", "photos-1-position": 1},
    )  # fmt: skip
    assert response.status_code == 200
    assert article.photos.count() == 1
