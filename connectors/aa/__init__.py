"""connectors.aa: the Account Aggregator (FIU side): FI crypto, JWS signing and ReBIT parsing.

Modules: ``crypto`` (X25519 key material, FI data decryption interoperable with Sahamati's
Rahasya), ``jws`` (detached and compact RS256 JWS for ``x-jws-signature`` and consent
artefacts), ``rebit`` (ReBIT DEPOSIT FI documents, XML and JSON, versions 1.x and 2),
``exceptions`` (their errors).
"""
