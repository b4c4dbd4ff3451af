//! Access tokens (JWT, HS256 pinned, 15 minutes) and opaque random tokens (refresh tokens,
//! links sent by email), which are stored only as SHA-256 hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const ACCESS_TTL_SECONDS: i64 = 15 * 60;
pub const AUDIENCE: &str = "quai";
pub const ACCESS_TYPE: &str = "access";
pub const LEEWAY_SECONDS: u64 = 30;

/// The claims of an access token; every one is required.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub jti: String,
    pub typ: String,
    /// The session (refresh-token family) this token belongs to.
    pub sid: i64,
}

/// Signs and checks access tokens with the platform's key.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid access token: {0}")]
pub struct InvalidToken(pub String);

impl TokenKeys {
    pub fn new(secret: &str, issuer: &str) -> Result<Self, InvalidToken> {
        let invalid =
            |e: jsonwebtoken::errors::Error| InvalidToken(format!("unusable signing key: {e}"));
        Ok(Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()).map_err(invalid)?,
            decoding: DecodingKey::from_secret(secret.as_bytes()).map_err(invalid)?,
            issuer: issuer.to_owned(),
        })
    }

    pub fn issue(&self, user_id: i64, session_id: i64, now: i64) -> Result<String, InvalidToken> {
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_owned(),
            sub: user_id.to_string(),
            exp: now + ACCESS_TTL_SECONDS,
            iat: now,
            nbf: None,
            jti: uuid::Uuid::new_v4().to_string(),
            typ: ACCESS_TYPE.to_owned(),
            sid: session_id,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| InvalidToken(e.to_string()))
    }

    /// Checks signature (HS256 only), issuer, audience, expiry and not-before (30 s leeway), and
    /// that every claim is present and the token is an access token.
    pub fn verify(&self, token: &str) -> Result<(i64, AccessClaims), InvalidToken> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|e| InvalidToken(e.to_string()))?;
        let claims = data.claims;
        if claims.typ != ACCESS_TYPE {
            return Err(InvalidToken(format!(
                "type `{}` is not an access token",
                claims.typ
            )));
        }
        if claims.jti.is_empty() {
            return Err(InvalidToken("empty jti".into()));
        }
        let user_id = claims
            .sub
            .parse::<i64>()
            .map_err(|_| InvalidToken("subject is not a user id".into()))?;
        Ok((user_id, claims))
    }
}

/// A new random token of 256 bits, URL-safe.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a random token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
