//! The files service's OpenAPI document, served at `/api/files/openapi.json` and committed at
//! `docs/openapi/files.json`, from which the web UI's client is generated.

use gamme_service_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::{
    metadata::{
        FileReference, FileView, ReferenceSource, TextStatus, TextView, ThumbnailStatus, ThumbnailView, Uploader,
    },
    routes::{content, files, upload},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gamme files",
        description = "Uploads (streamed, typed from their bytes), downloads through nginx, signed links, \
                       thumbnails and document text."
    ),
    paths(
        upload::upload,
        files::list,
        files::get,
        files::delete,
        files::limits,
        content::content,
        content::thumbnail,
    ),
    components(schemas(
        gamme_service_kit::Problem,
        FileReference,
        ReferenceSource,
        FileView,
        Uploader,
        ThumbnailView,
        ThumbnailStatus,
        TextView,
        TextStatus,
        upload::UploadForm,
        upload::UploadedFiles,
        files::FileList,
        files::UploadLimits,
    )),
    modifiers(&BearerAuth),
)]
struct FilesApi;

pub fn document() -> utoipa::openapi::OpenApi {
    FilesApi::openapi()
}
