COPY "Country" ("code") FROM STDIN;
