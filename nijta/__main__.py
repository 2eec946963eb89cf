from nijta.cli import app

app(prog_name="nijta")
