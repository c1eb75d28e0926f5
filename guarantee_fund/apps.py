from django.apps import AppConfig


class GuaranteeFundConfig(AppConfig):
    name = "guarantee_fund"
