//! The files service's OpenAPI document, served at `/api/files/openapi.json` and committed at
//! `docs/openapi/files.json`, from which the web UI's client is generated.

use gamme_service_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gamme files",
        description = "Uploads (streamed, typed from their bytes), downloads through nginx, signed links, \
                       thumbnails and document text."
    ),
    paths(
        routes::upload::upload,
        routes::files::list,
        routes::files::get,
        routes::files::delete,
        routes::files::limits,
        routes::content::content,
        routes::content::thumbnail,
    ),
    components(schemas(
        gamme_service_kit::Problem,
        crate::metadata::FileReference,
        routes::FileView,
        routes::Uploader,
        routes::ThumbnailView,
        routes::TextView,
        routes::upload::UploadForm,
        routes::upload::UploadedFiles,
        routes::files::FileList,
        routes::files::UploadLimits,
    )),
    modifiers(&BearerAuth),
)]
struct FilesApi;

pub fn document() -> utoipa::openapi::OpenApi {
    FilesApi::openapi()
}
