/*
 * ascii.h - byte classes the text scanners test once per byte, by table
 * (no locale, no call, one load instead of range tests).
 */
#ifndef MORGUE_ASCII_H
#define MORGUE_ASCII_H

/* 1 for the ASCII letters and digits (isalnum in the C locale), 0 for
 * every other byte, ASCII or not. */
extern const unsigned char morgue_ascii_alnum[256];

#endif
