"""Loan decisions: consent, the scoring job, the policy's outcome, officers' actions, disbursement, the
customer's SMS, and the hand-off to a loan origination system.

    model.py     case states, actors, the scorer's Assessment       cases.py      the decision tables
    intake.py    effects after commit (submission, withdrawal, LOS)  scoring.py    score + policy, never a decline
    service.py   approve, decline, disburse (roles, audit)           views.py      list_applications, application_detail
    notices.py   the customer's SMS                                  los.py        signed webhook out, callback in
    los_state.py the hand-off's delivery rows                        explain.py    `applications show` in words
    checks.py    `menus check` of the decision texts                 scorer.py     gateway.scoring behind the job
    desk.py      what the services are handed                        wiring.py     a Desk from Settings
    jobs.py      RQ jobs and the sweeper                             cli.py, web.py  `jembatan applications`, /api
"""
