morgueSearch.load("d-0","i46mRcqLBQA=",2);
