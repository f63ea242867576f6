"""factory_boy factories of every app, re-exported from tests/<app>/factories.py (``from tests import factories as f``)."""

from tests.members.factories import (  # noqa: F401
    RARE_NAME,
    BranchFactory,
    HonorFactory,
    MemberFactory,
    UserFactory,
    association_staff,
    craftsman,
    member_born,
    member_user,
    officer,
)
from tests.publications.factories import (  # noqa: F401
    ArticleFactory,
    ArticlePhotoFactory,
    BookFactory,
    ExhibitionFactory,
    NewsletterIssueFactory,
    WorkFactory,
    png_bytes,
    png_file,
    published_issue,
)
from tests.volunteering.factories import (  # noqa: F401
    BeneficiaryFactory,
    CourseFactory,
    DonationFactory,
    ParticipationFactory,
    ServiceEventFactory,
    ServiceRequestFactory,
    ServiceTeamFactory,
)
from tests.wellbeing.factories import (  # noqa: F401
    CareBudgetFactory,
    CondolenceVisitFactory,
    HardshipCaseFactory,
    InquiryFactory,
    NominationFactory,
    SafetyCheckFactory,
    TripFactory,
    TripQuotaFactory,
    VisitCampaignFactory,
    WorkProfileFactory,
)
from tests.workshops.factories import (  # noqa: F401
    SubsidyFactory,
    WorkshopActivityFactory,
    WorkshopFactory,
)
