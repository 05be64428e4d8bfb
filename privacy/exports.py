"""Building a person's data export (docs/privacy.md, "Export"). Being written this session."""


def exports_build_pending():
    """Build the queued exports; registered as the scheduler job `data_exports_build`."""
    return 0


def exports_expire():
    """Remove the files of exports past their link's validity; scheduler job `data_exports_expire`."""
    return 0
