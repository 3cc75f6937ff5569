#!/usr/bin/python3
"""Reference ids for text/sentencepiece_tokenizer: transformers' XLMRobertaTokenizer rewritten on
Debian's python3-sentencepiece (transformers itself is not packaged).

Usage: sentencepiece_reference.py MODEL TEXTS MAX_LENGTH
TEXTS holds one text per line as hex of its UTF-8 bytes (the bytes may be invalid UTF-8, which is
decoded with errors="replace" as the C++ side does). Prints one line per text: the framed ids,
space-separated.
"""
import sys

import sentencepiece as spm

# fairseq's dictionary, as XLMRobertaTokenizer.__init__ sets it up.
FAIRSEQ_TOKENS_TO_IDS = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
FAIRSEQ_OFFSET = 1


def main():
    model_path, texts_path, max_length = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sp = spm.SentencePieceProcessor()
    sp.Load(model_path)

    def token_to_id(token):  # XLMRobertaTokenizer._convert_token_to_id
        if token in FAIRSEQ_TOKENS_TO_IDS:
            return FAIRSEQ_TOKENS_TO_IDS[token]
        spm_id = sp.PieceToId(token)
        return spm_id + FAIRSEQ_OFFSET if spm_id else FAIRSEQ_TOKENS_TO_IDS["<unk>"]

    with open(texts_path) as f:
        lines = f.read().split("\n")[:-1]
    for line in lines:
        text = bytes.fromhex(line).decode("utf-8", errors="replace")
        pieces = sp.encode(text, out_type=str)  # XLMRobertaTokenizer._tokenize
        ids = [token_to_id(p) for p in pieces][: max_length - 2]  # truncation=True
        ids = [FAIRSEQ_TOKENS_TO_IDS["<s>"]] + ids + [FAIRSEQ_TOKENS_TO_IDS["</s>"]]
        print(" ".join(str(i) for i in ids))


if __name__ == "__main__":
    main()
