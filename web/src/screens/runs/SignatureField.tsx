// A signature drawn with a finger, stylus or mouse, handed over as a PNG file to upload.
import { Button, Group, Input, Paper } from '@mantine/core';
import { IconEraser } from '@tabler/icons-react';
import { useEffect, useId, useImperativeHandle, useRef, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import SignaturePad from 'signature_pad';

export interface SignatureHandle {
  isEmpty: () => boolean;
  /** The drawing as a PNG on white, so it prints and shows on any background. */
  toFile: () => Promise<File>;
}

interface Props {
  label: string;
  error?: string | null;
  onDraw?: () => void;
  ref: Ref<SignatureHandle>;
}

export function SignatureField({ label, error, onDraw, ref }: Props) {
  const { t } = useTranslation();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const padRef = useRef<SignaturePad | null>(null);
  const labelId = useId();
  // The pad lives as long as the canvas; a new callback must not rebuild it (and wipe the strokes).
  const onDrawRef = useRef(onDraw);
  useEffect(() => {
    onDrawRef.current = onDraw;
  });

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const pad = new SignaturePad(canvas, { backgroundColor: 'rgb(255, 255, 255)', penColor: '#111' });
    padRef.current = pad;
    // The bitmap must match the element's size times the pixel ratio or strokes land off the
    // finger; resizing clears a canvas, so the strokes are redrawn from their points.
    const fit = () => {
      const ratio = Math.max(window.devicePixelRatio, 1);
      const strokes = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext('2d')?.scale(ratio, ratio);
      pad.clear();
      pad.fromData(strokes);
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(canvas);
    const drawn = () => onDrawRef.current?.();
    pad.addEventListener('endStroke', drawn);
    return () => {
      observer.disconnect();
      pad.removeEventListener('endStroke', drawn);
      pad.off();
      padRef.current = null;
    };
  }, []);

  useImperativeHandle(ref, () => ({
    isEmpty: () => padRef.current?.isEmpty() ?? true,
    toFile: () =>
      new Promise<File>((resolve, reject) => {
        const canvas = canvasRef.current;
        if (!canvas) {
          reject(new Error('no signature canvas'));
          return;
        }
        canvas.toBlob((blob) => {
          if (blob) resolve(new File([blob], 'signature.png', { type: 'image/png' }));
          else reject(new Error('the signature could not be encoded'));
        }, 'image/png');
      }),
  }));

  return (
    <Input.Wrapper
      label={label}
      labelElement="div"
      id={labelId}
      error={error}
      description={t('runs.signature.hint')}
    >
      <Paper withBorder mt={4} style={error ? { borderColor: 'var(--mantine-color-error)' } : undefined}>
        <canvas
          ref={canvasRef}
          role="img"
          aria-labelledby={`${labelId}-label`}
          aria-describedby={`${labelId}-description`}
          style={{ display: 'block', width: '100%', height: 180, touchAction: 'none', cursor: 'crosshair' }}
        />
      </Paper>
      <Group justify="flex-end" mt={4}>
        <Button
          variant="subtle"
          size="compact-md"
          leftSection={<IconEraser size={18} aria-hidden />}
          onClick={() => {
            padRef.current?.clear();
          }}
        >
          {t('runs.signature.clear')}
        </Button>
      </Group>
    </Input.Wrapper>
  );
}
