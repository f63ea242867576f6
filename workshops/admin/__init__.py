"""Admin of the 劳模工匠之家 network (in Chinese): houses and their life cycle, the 建设规范,
assessments, subsidies, activities, targets, and the coverage report."""

from . import money, standard, workshop  # noqa: F401
