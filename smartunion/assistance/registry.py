"""What hardship assistance registers with the shared mechanisms (called from AppConfig.ready):
its case types with casework, its 公示 subjects, its home-page 待办 cards, its seed part."""

from __future__ import annotations


def register() -> None:
    from smartunion.assistance import campaigns, home, workflows
    from smartunion.assistance.models import HardshipFile, StudentAid
    from smartunion.casework import notices, workflow
    from smartunion.core import seeding

    HardshipFile.case_type = workflows.HARDSHIP
    StudentAid.case_type = workflows.STUDENT_AID
    workflow.register(HardshipFile)
    workflow.register(StudentAid)
    notices.register(notices.for_case_type(HardshipFile))
    notices.register(notices.for_case_type(StudentAid))
    notices.register(campaigns.line_subject_kind())
    home.register()

    from smartunion.assistance.seed import run_part

    seeding.register(
        seeding.SeedPart("assistance", "困难职工帮扶", run_part, after=("registry", "venues"))
    )
