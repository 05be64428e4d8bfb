"""Static files in production: WhiteNoise's compressed, hashed copies, with the imports between
JavaScript modules rewritten to the hashed names too (room.js imports mentions.js), so a browser
never pairs a new module with a cached old one after a deploy."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
