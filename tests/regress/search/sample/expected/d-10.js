morgueSearch.load("d-10","ix7ppXUsAA==",2);
