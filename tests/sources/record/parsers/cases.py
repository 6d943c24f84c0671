# Inputs for record_parsers.py: dotenv/shell files (sourced by dash and bash) and TOML
# documents (decoded by Python's tomllib, a TOML 1.0 reader).
DOTENV = {
    "plain": "HTTP_PROXY=http://p.invalid:3128\nno_proxy=a,b\n",
    "export": "export HTTPS_PROXY=http://p.invalid:1\nexport NO_PROXY='x y'\n",
    "single-quotes": "NO_PROXY='a\"b\\\\c$d`e'\n",
    "double-quotes": "NO_PROXY=\"a\\\"b\\\\c\\$d\\`e\\nf\"\n",
    "mixed-concat": "NO_PROXY=a'b c'\"d e\"f\\ g\n",
    "comment-after": "NO_PROXY=a # comment\nno_proxy=b#not-comment\n",
    "expansion": "A=base\nNO_PROXY=$A,${A}x,\"$A\"y\n",
    "unset-expansion": "NO_PROXY=a$UNSET_VAR_XYZ,b\n",
    "export-order": "A=old\nexport A=new NO_PROXY=$A\n",
    "assign-order": "A=old\nA=new NO_PROXY=$A\n",
    "semicolons": "NO_PROXY=a; no_proxy=b;HTTP_PROXY=c\n",
    "multiline-single": "NO_PROXY='a\nb'\n",
    "line-continuation": "NO_PROXY=a\\\nb\n",
    "empty": "NO_PROXY=\nno_proxy=''\n",
    "escaped-quote-in-single": "NO_PROXY='it'\\''s'\n",
    "dollar-literal": "NO_PROXY=a$ b\n",
    "non-ascii": "NO_PROXY=é,日本,🙂\n",
    "backslash-other": "NO_PROXY=\"a\\qb\"\n",
    "crlf-ish": "NO_PROXY=a\tb\n",
}

TOML = {
    "basic-escapes": 'a = "x\\ty\\n\\"q\\" \\\\ \\u00e9 \\U0001F642"\n',
    "literal": "a = 'C:\\path \"q\"'\n",
    "multiline-basic": 'a = """\nline1\nline2 \\\n   joined"""\n',
    "multiline-literal": "a = '''\nraw \\n\n'''\n",
    "ml-quotes-at-end": 'a = """x""""\n',
    "array-multiline": 'a = [\n  "x", # c\n  \'y\',\n]\n',
    "inline-table": 'a = { b = "x", c = 1 }\n',
    "dotted-key": 'a.b = "x"\n',
    "guide-pre-build": 'a = "mkdir -p $HOME/.docker/ && echo \\"{ \\\\\\"proxies\\\\\\": { \\\\\\"default\\\\\\": { \\\\\\"httpProxy\\\\\\": \\\\\\"$HTTP_PROXY\\\\\\" } } }\\" > $HOME/.docker/config.json"\n',
}
