// Step bodies are Markdown. Raw HTML is not rendered (react-markdown escapes it), links open
// in a new tab without handing over the opener.
import { Typography } from '@mantine/core';
import ReactMarkdown from 'react-markdown';

export function Markdown({ children }: { children: string | null | undefined }) {
  if (!children?.trim()) return null;
  return (
    <Typography>
      <ReactMarkdown
        components={{
          a: ({ href, children: text }) => (
            <a href={href} target="_blank" rel="noopener noreferrer">
              {text}
            </a>
          ),
        }}
      >
        {children}
      </ReactMarkdown>
    </Typography>
  );
}
