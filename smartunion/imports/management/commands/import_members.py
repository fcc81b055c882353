from smartunion.imports.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "导入会员（xlsx或CSV），打印与页面相同的报告；有行未导入时以非零状态退出。"
    kind = "members"
