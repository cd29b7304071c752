// Files: uploads with progress (XMLHttpRequest, since fetch cannot report upload progress)
// and file metadata whose signed links stay fresh in the query cache.
import { useQuery } from '@tanstack/react-query';
import { ApiError, bearer, filesApi, refreshSession, unwrap, type Problem } from './client';
import type { FileView } from './types';

/** Signed links live 15 minutes (GAMME_FILES_LINK_TTL_SECS); refetch well before they expire. */
const LINK_STALE_MS = 10 * 60_000;

function send(files: readonly File[], onProgress?: (fraction: number) => void, signal?: AbortSignal) {
  return new Promise<XMLHttpRequest>((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append('files', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/files');
    const authorization = bearer();
    if (authorization) xhr.setRequestHeader('Authorization', authorization);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => { resolve(xhr); };
    xhr.onerror = () => { reject(new TypeError('network error')); };
    xhr.onabort = () => { reject(new DOMException('upload cancelled', 'AbortError')); };
    signal?.addEventListener('abort', () => { xhr.abort(); }, { once: true });
    xhr.send(form);
  });
}

function problemOf(xhr: XMLHttpRequest): Partial<Problem> | undefined {
  try {
    return JSON.parse(xhr.responseText) as Partial<Problem>;
  } catch {
    return undefined;
  }
}

/** Uploads `files` in one request; answers what the files service stored, in order. */
export async function uploadFiles(
  files: readonly File[],
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<FileView[]> {
  let xhr = await send(files, onProgress, signal);
  if (xhr.status === 401 && (await refreshSession())) xhr = await send(files, onProgress, signal);
  if (xhr.status < 200 || xhr.status >= 300) throw new ApiError(xhr.status, problemOf(xhr));
  onProgress?.(1);
  return (JSON.parse(xhr.responseText) as { files: FileView[] }).files;
}

export function fileQueryKey(id: string) {
  return ['files', id] as const;
}

/** A file's metadata, with signed `content_url` and thumbnail links for `<img src>`. */
export function useFile(id: string | null | undefined) {
  return useQuery({
    queryKey: fileQueryKey(id ?? ''),
    enabled: Boolean(id),
    staleTime: LINK_STALE_MS,
    refetchInterval: (query) => {
      // A fresh upload's thumbnail is made off the request path: look again shortly.
      const status = query.state.data?.thumbnail.status;
      return status === 'pending' ? 1500 : LINK_STALE_MS;
    },
    queryFn: () => unwrap(filesApi.GET('/api/files/{id}', { params: { path: { id: id ?? '' } } })),
  });
}

export function isImage(file: Pick<FileView, 'media_type'>): boolean {
  return file.media_type.startsWith('image/');
}
