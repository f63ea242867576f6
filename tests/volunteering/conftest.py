"""Fixtures of the volunteering tests: a team in each of 西湖区 and 滨江区."""

import pytest

from tests import factories as f


@pytest.fixture
def xihu_team(xihu):
    return f.ServiceTeamFactory(branch=xihu, name="西湖技术服务队")


@pytest.fixture
def binjiang_team(binjiang):
    return f.ServiceTeamFactory(branch=binjiang, name="滨江志愿服务队", kind="volunteer")


@pytest.fixture
def xihu_org(xihu):
    return f.BeneficiaryFactory(branch=xihu, name="西湖精工配件厂")


@pytest.fixture
def binjiang_org(binjiang):
    return f.BeneficiaryFactory(branch=binjiang, name="滨江恒达电子")
