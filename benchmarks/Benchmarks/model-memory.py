#!/usr/bin/env python3
"""Peak resident memory (VmHWM) of the inference function process serving one model, over N /predict calls of a
320x240 PNG, run as a real process behind the repository's Lambda Runtime API emulator (1 intra-op thread, no cache).
The router's memory rule (components/Constructs/Routing/ModelMemorySizing.cs) rests on these figures.

usage: benchmarks/Benchmarks/model-memory.py MODEL [MODELS_DIR] [CALLS]
  builds functions/InferenceFunction and the emulator CLI first; MODELS_DIR defaults to the folder with both bundled
  models in tests/InferenceFunction.Tests' output (build that project once)."""
import base64, glob, json, os, struct, subprocess, sys, tempfile, time, zlib

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
model = sys.argv[1]
models_dir = sys.argv[2] if len(sys.argv) > 2 else f'{root}/tests/InferenceFunction.Tests/bin/Debug/net10.0/models'
calls = int(sys.argv[3]) if len(sys.argv) > 3 else 20
for project in ['functions/InferenceFunction/InferenceFunction.csproj', 'functions/LambdaEmulator.Cli/LambdaEmulator.Cli.csproj']:
    subprocess.run(['dotnet', 'build', f'{root}/{project}', '-v', 'q', '--nologo'], check=True, stdout=subprocess.DEVNULL)

def png(width, height):
    rows = b''.join(b'\x00' + b''.join(bytes([(x * 7) % 256, (y * 5) % 256, 128]) for x in range(width)) for y in range(height))
    chunk = lambda kind, data: struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')

work = tempfile.mkdtemp(prefix='model-memory-')
event = os.path.join(work, 'event.json')
with open(event, 'w') as f:
    json.dump({'version': '2.0', 'rawPath': f'/v2/models/{model}/predict', 'headers': {'content-type': 'image/png'},
               'requestContext': {'stage': '$default', 'http': {'method': 'POST', 'path': f'/v2/models/{model}/predict'}},
               'body': base64.b64encode(png(320, 240)).decode(), 'isBase64Encoded': True}, f)

cli = f'{root}/functions/LambdaEmulator.Cli/bin/Debug/net10.0/lambda-emulator.dll'
function = f'{root}/functions/InferenceFunction/bin/Debug/net10.0/InferenceFunction.dll'
variables = {'MODEL_DIR': models_dir, 'MODEL_NAME': model, 'ORT_INTRA_OP_THREADS': '1', 'PREDICTION_CACHE_MAX_ENTRIES': '0'}
arguments = [a for name, value in variables.items() for a in ('--env', f'{name}={value}')]
output = os.path.join(work, 'output.txt')
with open(output, 'w') as out:
    emulator = subprocess.Popen(['dotnet', cli, '--timeout', '120', *arguments, '--function', function, *[event] * calls], stdout=out, stderr=subprocess.DEVNULL)
    peak = 0
    while emulator.poll() is None:
        for status in glob.glob('/proc/[0-9]*/status'):
            try:
                fields = dict(line.split(':', 1) for line in open(status) if ':' in line)
                if int(fields['PPid']) == emulator.pid and 'VmHWM' in fields:
                    peak = max(peak, int(fields['VmHWM'].split()[0]) // 1024)
            except (OSError, ValueError, KeyError):
                continue  # the process ended while it was read
        time.sleep(0.05)
answered = sum(1 for line in open(output) if ': Succeeded' in line)
print(f'{model}: peak RSS {peak} MB of the function process; {answered} of {calls} calls succeeded')
sys.exit(0 if answered == calls else 1)
