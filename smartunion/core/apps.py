from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as StaticFiles


class CoreConfig(AppConfig):
    # The module has two configurations: this one is the app's ("smartunion.core" in settings).
    default = True
    name = "smartunion.core"
    verbose_name = "基础"


class StaticFilesConfig(StaticFiles):
    """django.contrib.staticfiles, leaving out what the pages never load from the npm
    packages' dist folders (settings.STATICFILES_DIRS): ES-module and unminified builds with
    their source maps, ECharts' partial builds and extensions. collectstatic then writes 50 MB
    instead of 175 (most of it the map boundaries) in a third of the time, in a deployment and
    in the serving test alike."""

    ignore_patterns = [
        *StaticFiles.ignore_patterns,
        "*.esm.*",
        "leaflet-src*",
        "echarts.js*",
        "echarts.common*",
        "echarts.simple*",
        "extension",
        "package.json",
    ]
