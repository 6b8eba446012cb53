"""The ``lucidnet`` command: ``main.py`` parses the arguments and turns errors
into exit statuses; ``commands.py`` holds one function per command; the other
modules read data files, prepare tabular columns, print reports, draw plots
and run the demos."""
