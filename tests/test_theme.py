"""The Woonkans theme (static/css/woonkans-theme.css): every colour pair the components use meets WCAG AA.

The ratios are computed from the token file itself, so a changed colour is checked again.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

THEME = Path(settings.BASE_DIR) / "static" / "css" / "woonkans-theme.css"
TEXT, NON_TEXT = 4.5, 3.0

# (foreground token, background token, minimum): text on its fill, and borders/focus next to their background.
PAIRS = [
    ("--utrecht-document-color", "--utrecht-document-background-color", TEXT),
    ("--utrecht-link-color", "--utrecht-document-background-color", TEXT),
    ("--utrecht-link-hover-color", "--utrecht-document-background-color", TEXT),
    ("--utrecht-link-focus-color", "--utrecht-link-focus-background-color", TEXT),
    ("--utrecht-heading-1-color", "--utrecht-document-background-color", TEXT),
    ("--utrecht-button-primary-action-color", "--utrecht-button-primary-action-background-color", TEXT),
    ("--utrecht-button-primary-action-hover-color", "--utrecht-button-primary-action-hover-background-color", TEXT),
    ("--utrecht-button-secondary-action-color", "--utrecht-button-secondary-action-background-color", TEXT),
    ("--utrecht-button-secondary-action-hover-color", "--utrecht-button-secondary-action-hover-background-color", TEXT),
    ("--utrecht-form-control-color", "--utrecht-form-control-background-color", TEXT),
    ("--utrecht-form-control-placeholder-color", "--utrecht-form-control-background-color", TEXT),
    ("--utrecht-form-control-border-color", "--utrecht-form-control-background-color", NON_TEXT),
    ("--utrecht-form-control-invalid-border-color", "--utrecht-form-control-background-color", NON_TEXT),
    ("--utrecht-form-field-description-color", "--utrecht-document-background-color", TEXT),
    ("--utrecht-form-field-error-message-color", "--utrecht-document-background-color", TEXT),
    ("--utrecht-checkbox-border-color", "--utrecht-document-background-color", NON_TEXT),
    ("--utrecht-table-header-color", "--utrecht-table-header-background-color", TEXT),
    ("--utrecht-table-caption-color", "--utrecht-document-background-color", TEXT),
    ("--utrecht-alert-info-color", "--utrecht-alert-info-background-color", TEXT),
    ("--utrecht-alert-ok-color", "--utrecht-alert-ok-background-color", TEXT),
    ("--utrecht-alert-warning-color", "--utrecht-alert-warning-background-color", TEXT),
    ("--utrecht-alert-error-color", "--utrecht-alert-error-background-color", TEXT),
    ("--utrecht-alert-error-border-color", "--utrecht-alert-error-background-color", NON_TEXT),
    ("--utrecht-breadcrumb-nav-link-color", "--utrecht-document-background-color", TEXT),
    ("--utrecht-breadcrumb-nav-separator-color", "--utrecht-document-background-color", NON_TEXT),
    ("--utrecht-nav-bar-color", "--utrecht-nav-bar-background-color", TEXT),
    ("--utrecht-nav-bar-color", "--woonkans-color-petrol-dark", TEXT),  # the current item's fill
    ("--woonkans-color-text", "--utrecht-focus-inverse-outline-color", TEXT),  # a focused nav item
    ("--utrecht-focus-outline-color", "--utrecht-document-background-color", NON_TEXT),
    ("--utrecht-focus-outline-color", "--utrecht-focus-inverse-outline-color", NON_TEXT),
    ("--utrecht-pagination-page-link-current-color", "--utrecht-pagination-page-link-current-background-color", TEXT),
    ("--utrecht-page-footer-color", "--utrecht-page-footer-background-color", TEXT),
]


def tokens():
    found = dict(re.findall(r"(--[a-z0-9-]+):\s*([^;]+);", THEME.read_text(encoding="utf-8")))
    return found


def resolve(name, found, depth=0):
    value = found[name].strip()
    reference = re.fullmatch(r"var\((--[a-z0-9-]+)\)", value)
    if reference:
        assert depth < 10, f"token loop at {name}"
        return resolve(reference.group(1), found, depth + 1)
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), f"{name} is not a colour: {value}"
    return value


def luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_right():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss


@pytest.mark.parametrize(("foreground", "background", "minimum"), PAIRS, ids=[f"{f}-on-{b}" for f, b, _m in PAIRS])
def test_theme_colour_pairs_meet_wcag_aa(foreground, background, minimum):
    found = tokens()
    ratio = contrast(resolve(foreground, found), resolve(background, found))
    assert ratio >= minimum, f"{foreground} on {background}: {ratio:.2f} < {minimum}"


def test_the_page_uses_the_woonkans_theme_not_the_example_theme():
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text(encoding="utf-8")
    assert 'class="woonkans-theme' in base
    assert "voorbeeld" not in base
    assert not (Path(settings.BASE_DIR) / "static" / "vendor" / "nl-design-system-voorbeeld-design-tokens").exists()
