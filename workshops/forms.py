"""Admin forms of the workshops app: transitions, and assessments scored criterion by criterion."""

from django import forms
from django.core.exceptions import ValidationError

from core.errors import DomainError
from core.parsing import validate_reasonable_date

from .models import Assessment, Subsidy
from .models.workshop import Requirement
from .scoring import StandardSpec
from .services import assessment_check, subsidy_check


class TransitionForm(forms.Form):
    """The fields one transition asks for; the service decides what is required."""

    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    naming_document_number = forms.CharField(label="命名文号", required=False, max_length=100)
    named_on = forms.DateField(
        label="命名日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_reasonable_date],
    )  # fmt: skip
    review_year = forms.IntegerField(label="复核年度", required=False, min_value=2000, max_value=2100)
    reason = forms.CharField(label="撤销原因", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS_BY_REQUIREMENT = {
        Requirement.NAMING_DOCUMENT: ("naming_document_number", "named_on"),
        Requirement.PASSED_ANNUAL_REVIEW: ("review_year",),
        Requirement.FAILED_ANNUAL_REVIEW: ("review_year",),
        Requirement.REASON: ("reason",),
    }

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = {"comment"}
        for requirement in rule.requires:
            wanted.update(self.FIELDS_BY_REQUIREMENT.get(requirement, ()))
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if Requirement.COMMENT in rule.requires:
            self.fields["comment"].help_text = "必填：请说明理由。"


def score_field_name(criterion_id: int) -> str:
    return f"score_{criterion_id}"


class AssessmentFormBase(forms.ModelForm):
    """Assessment with one score field per criterion of its standard (added by ``assessment_form_for``)."""

    actor = None
    spec: StandardSpec | None = None
    standard = None

    class Meta:
        model = Assessment
        fields = ["workshop", "purpose", "review_year", "assessed_on", "assessors", "conclusion"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and self.standard is not None:
            self.instance.standard = self.standard
        if self.instance.pk is not None:
            for score in self.instance.scores.all():
                name = score_field_name(score.criterion_id)
                if name in self.fields:
                    self.initial[name] = score.score

    @property
    def scores(self) -> dict:
        return {
            c.id: self.cleaned_data[score_field_name(c.id)]
            for c in self.spec.criteria
            if self.cleaned_data.get(score_field_name(c.id)) is not None
        }

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.result = assessment_check(assessment=self.instance, scores=self.scores, actor=self.actor)
        except DomainError as exc:
            self.add_error(None, ValidationError(exc.message, code=exc.code))


def assessment_form_for(standard, actor):
    """A form class for assessments against ``standard``, with one field per criterion."""
    spec = StandardSpec.load(standard)
    attrs = {"spec": spec, "actor": actor, "standard": standard}
    for dim in spec.dimensions:
        for c in dim.criteria:
            attrs[score_field_name(c.id)] = forms.DecimalField(
                label=c.text,
                min_value=0,
                max_value=c.max_score,
                max_digits=5,
                decimal_places=2,
                help_text=f"满分{c.max_score.normalize():f}分" + (f"。{c.guidance}" if c.guidance else ""),
            )
    return type("AssessmentForm", (AssessmentFormBase,), attrs)


class SubsidyForm(forms.ModelForm):
    actor = None

    class Meta:
        model = Subsidy
        fields = ["workshop", "year", "amount", "purpose", "purpose_detail", "paid_on", "document_number"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors or not self.instance.workshop_id:
            return
        try:
            subsidy_check(subsidy=self.instance, actor=self.actor)
        except DomainError as exc:
            self.add_error(None, ValidationError(exc.message, code=exc.code))
